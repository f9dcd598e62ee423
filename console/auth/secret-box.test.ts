import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadSecretKey } from './secret-box.ts';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('opens what it sealed, and nothing sealed under another key or altered', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
    const [v, iv, tag, body] = sealed.split(':');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0]! ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
  });

  it('creates an owner-only key file on first use and reads the same key after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'govops-key-'));
    try {
      const file = join(dir, 'sub', 'console.key');
      const first = loadSecretKey(undefined, file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loadSecretKey(undefined, file).key.equals(first.key)).toBe(true);
      const fromEnv = loadSecretKey(randomBytes(32).toString('base64'), file);
      expect(fromEnv.source).toBe('CONSOLE_SECRET_KEY');
      expect(() => loadSecretKey('c2hvcnQ=', file)).toThrow(/32 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
