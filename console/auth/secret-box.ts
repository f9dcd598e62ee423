import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Encryption at rest for secrets the console must read back (TOTP keys): MLPS level 3 asks that
 * authentication data be kept confidential in storage, so a copy of the database alone does not
 * give away anyone's second factor. AES-256-GCM; the stored form is `v1:<iv>:<tag>:<ciphertext>`.
 */
export type SecretBox = { seal(plain: string): string; open(sealed: string): string };

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
        .join(':');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || !body) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The console's secret key: CONSOLE_SECRET_KEY (base64, 32 bytes; what replicas share), else a
 * key file beside the data, created on first start with owner-only permissions.
 */
export function loadSecretKey(fromEnv: string | undefined, keyFile: string): { key: Buffer; source: string } {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error('invalid configuration: CONSOLE_SECRET_KEY must be 32 bytes in base64');
    return { key, source: 'CONSOLE_SECRET_KEY' };
  }
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(keyFile, 0o600);
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`the key file ${keyFile} does not hold a 32-byte base64 key`);
  return { key, source: keyFile };
}

/** The secret box for a configuration, and where its key came from (for the start-up log). */
export function secretBoxFor(config: { secretKey: string | undefined; keyFile: string }): {
  box: SecretBox;
  source: string;
} {
  const { key, source } = loadSecretKey(config.secretKey, config.keyFile);
  return { box: createSecretBox(key), source };
}
