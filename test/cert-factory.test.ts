import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, pkiAlgorithms, runOpenssl, skipWithoutOpenssl, type TestPki } from './cert-factory.ts';

/** The factory checked by OpenSSL alone, so the agent's tests do not rest on the code they test. */
const skip = skipWithoutOpenssl();

describe.skipIf(skip)('test PKI factory', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki?.cleanup());

  const openssl = (...args: string[]) => runOpenssl(args, pki.dir);
  // OpenSSL 3.0 passes `-vfyopt distid` to the certificate under test only, so links are checked one by one.
  const verifies = (issuer: string, subject: string, algorithm: string) =>
    openssl(
      'verify',
      '-partial_chain',
      '-CAfile',
      issuer,
      ...(algorithm === 'sm2' ? ['-vfyopt', 'distid:1234567812345678'] : []),
      subject,
    ).then(
      () => true,
      () => false,
    );

  it.each(pkiAlgorithms)('%s: root → intermediate → leaf verify with OpenSSL', async (algorithm) => {
    const p = pki[algorithm];
    expect(await verifies(p.root.certPath, p.root.certPath, algorithm)).toBe(true);
    expect(await verifies(p.root.certPath, p.intermediate.certPath, algorithm)).toBe(true);
    expect(await verifies(p.intermediate.certPath, p.leaf.certPath, algorithm)).toBe(true);
    expect(await verifies(p.intermediate.certPath, p.personal.certPath, algorithm)).toBe(true);
    expect(await verifies(p.root.certPath, p.leaf.certPath, algorithm)).toBe(false);
  });

  it.each(pkiAlgorithms)('%s: variants carry exact dates around now', async (algorithm) => {
    const days = (n: number) => new Date(pki.now.getTime() + n * 86_400_000);
    const dates = async (path: string) => {
      const text = await openssl('x509', '-in', path, '-noout', '-dates');
      return [/notBefore=(.*)/, /notAfter=(.*)/].map((field) => new Date(field.exec(text)![1]!));
    };
    const p = pki[algorithm];
    expect(await dates(p.expiringSoon.certPath)).toEqual([days(-360), days(5)]);
    expect(await dates(p.expired.certPath)).toEqual([days(-400), days(-10)]);
    expect(await dates(p.notYetValid.certPath)).toEqual([days(10), days(400)]);
  });

  it('gives personal certificates a Chinese name, an ID number and an e-mail SAN', async () => {
    const text = await openssl(
      'x509',
      '-in',
      pki.sm2.personal.certPath,
      '-noout',
      '-subject',
      '-ext',
      'subjectAltName',
      '-nameopt',
      'utf8',
    );
    expect(text).toContain(`CN=${pki.person.name}`);
    expect(text).toContain(`serialNumber=${pki.person.idNumber}`);
    expect(text).toContain(`email:${pki.person.email}`);
  });
});
