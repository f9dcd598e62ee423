import { randomBytes } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertSource } from '../../core/contracts/agent.ts';
import { createTestPki, runOpenssl, skipWithoutOpenssl, type TestPki } from '../../test/cert-factory.ts';
import { parseCertificate } from './certificate.ts';
import { scanFilesSource } from './files.ts';
import type { ScanContext } from './source.ts';

const skip = skipWithoutOpenssl();
type FilesSource = Extract<CertSource, { kind: 'files' }>;

describe.skipIf(skip)('files source', () => {
  let pki: TestPki;
  let root: string;
  let context: ScanContext;
  const source = (...paths: string[]): FilesSource => ({ kind: 'files', id: 'host-certs', paths, personal: false });
  const fingerprint = (der: Uint8Array) => parseCertificate(der).fingerprintSha256;

  beforeAll(async () => {
    pki = await createTestPki();
    root = join(pki.dir, 'scan');
    context = { trustAnchorsPem: [pki.rsa.root.pem, pki.ecdsa.root.pem, pki.sm2.root.pem], now: () => pki.now };
    const put = async (path: string, content: string | Uint8Array) => {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    };
    await put('etc/nginx/chain.pem', pki.rsa.chainPem);
    await put('etc/nginx/deep/er/leaf.der', pki.ecdsa.leaf.der);
    // The ECDSA leaf's intermediate sits in a file of its own, as in many /etc/pki layouts.
    await put('etc/pki/issuing-ca.crt', pki.ecdsa.intermediate.pem);
    await put('etc/pki/roots-bundle.pem', pki.rsa.root.pem + pki.ecdsa.root.pem + pki.sm2.root.pem);
    await put(
      'etc/nginx/server.key.pem',
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n',
    );
    await put('etc/nginx/nginx.conf', 'ssl_certificate chain.pem;\n');
    await put('etc/nginx/random.bin', Buffer.concat([Buffer.from([0x30, 0x82]), randomBytes(200)]));
    await put('etc/nginx/empty.crt', '');
    await put('etc/nginx/corrupt.crt', Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), randomBytes(50)]));
    await put('etc/nginx/damaged.pem', '-----BEGIN CERTIFICATE-----\nMIIB!!notbase64\n-----END CERTIFICATE-----\n');
    await put('etc/nginx/truncated.pem', pki.sm2.leaf.pem.slice(0, 300));
    await symlink(join(root, 'etc/nginx/chain.pem'), join(root, 'etc/nginx/link-to-chain.pem'));
    await put('srv/sm2/a.pem', pki.sm2.chainPem);
    await put('srv/sm2/b.txt', pki.sm2.expired.pem);
  });
  afterAll(() => pki?.cleanup());

  it('finds certificates in directories recursively and classifies each chain', async () => {
    const result = await scanFilesSource(source(join(root, 'etc')), context);
    const seen = result.observations.map((o) => [
      o.location.slice(root.length + 1),
      o.position,
      o.chainLength,
      o.chainProblems,
    ]);
    expect(seen).toEqual([
      ['etc/nginx/chain.pem', 0, 2, []],
      ['etc/nginx/chain.pem', 1, 2, []],
      // Verified through the intermediate found in another file of the same source.
      ['etc/nginx/deep/er/leaf.der', 0, 1, []],
      ['etc/pki/issuing-ca.crt', 0, 1, []],
      ['etc/pki/roots-bundle.pem', 0, 1, []],
      ['etc/pki/roots-bundle.pem', 0, 1, []],
      ['etc/pki/roots-bundle.pem', 0, 1, []],
    ]);
    expect(result.observations[2]!.fingerprintSha256).toBe(fingerprint(pki.ecdsa.leaf.der));
    // Keys, configuration, random binaries and a link to a file already read are passed over quietly.
    expect(result.problems.map((p) => [p.location.slice(root.length + 1), p.message])).toEqual([
      ['etc/nginx/corrupt.crt', 'not a readable X.509 certificate'],
      ['etc/nginx/damaged.pem', '1 damaged PEM certificate block(s)'],
      ['etc/nginx/empty.crt', 'neither a PEM nor a DER certificate'],
      ['etc/nginx/truncated.pem', '1 damaged PEM certificate block(s)'],
    ]);
  });

  it('expands glob patterns and reports paths that name nothing', async () => {
    const result = await scanFilesSource(
      source(join(root, 'srv/**/*.pem'), join(root, 'srv/*.p7b'), join(root, 'missing.pem')),
      context,
    );
    expect(
      result.observations.map((o) => [o.location.slice(root.length + 1), o.signatureAlgorithm, o.chainVerified]),
    ).toEqual([
      ['srv/sm2/a.pem', 'SM2-with-SM3', true],
      ['srv/sm2/a.pem', 'SM2-with-SM3', true],
    ]);
    expect(result.problems).toEqual([
      { location: join(root, 'srv/*.p7b'), message: 'no file matches this pattern' },
      { location: join(root, 'missing.pem'), message: 'no such file or directory' },
    ]);
  });

  it('reads a certificate in a file of any name when named explicitly, and verifies at the scan time', async () => {
    const result = await scanFilesSource(source(join(root, 'srv/sm2/b.txt')), context);
    expect(result.observations).toHaveLength(1);
    expect(result.observations[0]).toMatchObject({
      sourceId: 'host-certs',
      keyAlgorithm: 'sm2',
      curve: 'SM2',
      chainVerified: false,
      // The intermediate is not in this source, and the leaf is expired.
      chainProblems: ['expired', 'broken_chain'],
      observedAt: pki.now.toISOString(),
    });
  });

  it('finds an issuer that is not marked as a CA in another file, whichever file is read first', async () => {
    // A legacy issuing CA without basicConstraints, signed by the RSA root; a leaf it issued, in a later file.
    const dir = join(pki.dir, 'legacy');
    await mkdir(dir, { recursive: true });
    const openssl = (...args: string[]) => runOpenssl(args, dir);
    for (const name of ['issuer', 'leaf']) await openssl('genpkey', '-algorithm', 'RSA', '-out', `${name}.key`);
    await openssl('req', '-new', '-key', 'issuer.key', '-subj', '/CN=Legacy Issuing CA', '-out', 'issuer.csr');
    await openssl('req', '-new', '-key', 'leaf.key', '-subj', '/CN=legacy.example.gov.cn', '-out', 'leaf.csr');
    const sign = (csr: string, ca: string, caKey: string, out: string) =>
      openssl('x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-set_serial', '7', '-days', '30', '-out', out);
    await sign('issuer.csr', pki.rsa.root.certPath, pki.rsa.root.keyPath, join(dir, 'a-issuer.pem'));
    await sign('leaf.csr', join(dir, 'a-issuer.pem'), join(dir, 'issuer.key'), join(dir, 'b-leaf.pem'));
    const result = await scanFilesSource(source(join(dir, 'a-issuer.pem'), join(dir, 'b-leaf.pem')), {
      ...context,
      now: () => new Date(),
    });
    expect(result.observations.map((o) => [o.location.slice(dir.length + 1), o.isCa, o.chainProblems])).toEqual([
      ['a-issuer.pem', false, []],
      ['b-leaf.pem', false, []],
    ]);
  });

  it('reads a file once when a symbolic link also names it, under the first name in order', async () => {
    const result = await scanFilesSource(
      source(join(root, 'etc/nginx/link-to-chain.pem'), join(root, 'etc/nginx/chain.pem')),
      context,
    );
    expect(result.observations.map((o) => o.location)).toEqual([
      join(root, 'etc/nginx/chain.pem'),
      join(root, 'etc/nginx/chain.pem'),
    ]);
  });
});
