import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertSource } from '../../core/contracts/agent.ts';
import { createTestPki, pkiAlgorithms, runOpenssl, skipWithoutOpenssl, type TestPki } from '../../test/cert-factory.ts';
import { parseCertificate } from './certificate.ts';
import { scanPkcs12Source } from './pkcs12.ts';
import type { ScanContext } from './source.ts';

const skip = skipWithoutOpenssl();
type Pkcs12Source = Extract<CertSource, { kind: 'pkcs12' }>;

describe.skipIf(skip)('PKCS#12 source', () => {
  let pki: TestPki;
  let context: ScanContext;
  const source = (path: string, passwordFile = pki.passwordFile): Pkcs12Source => ({
    kind: 'pkcs12',
    id: 'bundle',
    path,
    passwordFile,
    personal: false,
  });
  beforeAll(async () => {
    pki = await createTestPki();
    context = { trustAnchorsPem: [pki.rsa.root.pem, pki.ecdsa.root.pem, pki.sm2.root.pem], now: () => pki.now };
  });
  afterAll(() => pki?.cleanup());

  it("is made with OpenSSL 3's defaults: AES-256-CBC under PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC", () => {
    // `-info` prints what it finds on standard error.
    const args = ['pkcs12', '-info', '-noout', '-in', pki.sm2.p12Path, '-passin', `file:${pki.passwordFile}`];
    const info = spawnSync('openssl', args, { encoding: 'utf8' }).stderr;
    expect(info).toMatch(/MAC: sha256/);
    expect(info).toMatch(/PBES2, PBKDF2, AES-256-CBC, Iteration \d+, PRF hmacWithSHA256/);
  });

  it.each(pkiAlgorithms)('reads the %s leaf, its intermediate and root, byte for byte', async (algorithm) => {
    const p = pki[algorithm];
    const result = await scanPkcs12Source(source(p.p12Path), context);
    expect(result.problems).toEqual([]);
    expect(result.observations.map((o) => [o.position, o.fingerprintSha256, o.chainVerified])).toEqual([
      [0, parseCertificate(p.leaf.der).fingerprintSha256, true],
      [1, parseCertificate(p.intermediate.der).fingerprintSha256, true],
      [2, parseCertificate(p.root.der).fingerprintSha256, true],
    ]);
    expect(result.observations[0]).toMatchObject({ location: `p12:${p.p12Path}`, chainLength: 3, isCa: false });
  });

  it('reads a trust store without a key as one chain per certificate', async () => {
    const roots = join(pki.dir, 'roots.pem');
    const store = join(pki.dir, 'truststore.p12');
    await writeFile(roots, pki.rsa.root.pem + pki.sm2.root.pem);
    await runOpenssl(
      ['pkcs12', '-export', '-nokeys', '-in', roots, '-passout', `file:${pki.passwordFile}`, '-out', store],
      pki.dir,
    );
    const result = await scanPkcs12Source(source(store), context);
    expect(result.observations.map((o) => [o.chainLength, o.isCa, o.chainVerified])).toEqual([
      [1, true, true],
      [1, true, true],
    ]);
  });

  it('reports a wrong password, a missing password file and a damaged bundle', async () => {
    const location = `p12:${pki.rsa.p12Path}`;
    expect(await scanPkcs12Source(source(pki.rsa.p12Path, pki.wrongPasswordFile), context)).toEqual({
      observations: [],
      problems: [{ location, message: 'wrong password (the PKCS#12 integrity check fails)' }],
    });
    const noPassword = await scanPkcs12Source(source(pki.rsa.p12Path, join(pki.dir, 'absent.txt')), context);
    expect(noPassword.problems[0]!.message).toBe(`password file ${join(pki.dir, 'absent.txt')}: ENOENT`);
    const damaged = join(pki.dir, 'damaged.p12');
    await writeFile(damaged, randomBytes(512));
    const result = await scanPkcs12Source(source(damaged), context);
    expect(result.problems[0]!.message).toMatch(/^not a readable PKCS#12 file: /);
  });
});
