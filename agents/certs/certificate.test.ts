import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, pemToDer, runOpenssl, skipWithoutOpenssl, type TestPki } from '../../test/cert-factory.ts';
import { CertificateParseError, parseCertificate } from './certificate.ts';
import { childrenOf, readTlv } from './der.ts';

const skip = skipWithoutOpenssl();

describe.skipIf(skip)('parseCertificate', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki?.cleanup());

  it.each([
    ['rsa', { keyAlgorithm: 'rsa', keySize: 2048 }, 'sha256WithRSAEncryption', '1.2.840.113549.1.1.11'],
    ['ecdsa', { keyAlgorithm: 'ec', keySize: 256, curve: 'prime256v1' }, 'ecdsa-with-SHA256', '1.2.840.10045.4.3.2'],
    ['sm2', { keyAlgorithm: 'sm2', keySize: 256, curve: 'SM2' }, 'SM2-with-SM3', '1.2.156.10197.1.501'],
  ] as const)('reads a %s leaf as OpenSSL does', async (algorithm, key, signatureAlgorithm, signatureAlgorithmOid) => {
    const issued = pki[algorithm].leaf;
    const parsed = parseCertificate(issued.der);
    expect(parsed).toMatchObject({
      ...key,
      signatureAlgorithm,
      signatureAlgorithmOid,
      subject: `CN=${pki.hostname},O=某某厅,C=CN`,
      issuer: `CN=GovOps Test ${algorithm.toUpperCase()} Issuing CA,O=GovOps Test ${algorithm.toUpperCase()},C=CN`,
      notBefore: new Date(pki.now.getTime() - 30 * 86_400_000),
      notAfter: new Date(pki.now.getTime() + 365 * 86_400_000),
      sans: [
        { type: 'dns', value: pki.hostname },
        { type: 'dns', value: `*.apps.${pki.hostname}` },
        { type: 'ip', value: '127.0.0.1' },
      ],
      isCa: false,
    });
    // OpenSSL itself is the reference for serial, fingerprint and RFC 2253 names (UTF-8, not \XX escapes).
    const reference = await describeWithOpenssl(issued.certPath);
    expect(parsed.serial).toBe(reference.serial);
    expect(parsed.fingerprintSha256).toBe(reference.fingerprint);
    expect(parsed.subject).toBe(reference.subject);
    expect(parsed.issuer).toBe(reference.issuer);
  });

  it('marks CA certificates and links key identifiers', () => {
    const root = parseCertificate(pki.sm2.root.der);
    const intermediate = parseCertificate(pki.sm2.intermediate.der);
    expect(root.isCa).toBe(true);
    expect(intermediate.isCa).toBe(true);
    expect(intermediate.authorityKeyId).toBe(root.subjectKeyId);
  });

  it('reads personal certificates: name, ID-number attribute and e-mail SAN', () => {
    const parsed = parseCertificate(pki.sm2.personal.der);
    expect(parsed.subject).toBe(`serialNumber=${pki.person.idNumber},CN=${pki.person.name},O=某某市人民政府,C=CN`);
    // The other-name SAN (ID number) is not kept at all; the e-mail one is, typed.
    expect(parsed.sans).toEqual([{ type: 'email', value: pki.person.email }]);
  });

  it('names SM2-with-SM3 the same when the CA adds an explicit NULL parameter', () => {
    const withNull = parseCertificate(withNullSignatureParameters(pki.sm2.leaf.der));
    expect(withNull.signatureAlgorithm).toBe('SM2-with-SM3');
    expect(withNull.signatureAlgorithmOid).toBe('1.2.156.10197.1.501');
    expect(Buffer.from(withNull.tbs)).toEqual(Buffer.from(parseCertificate(pki.sm2.leaf.der).tbs));
  });

  it('escapes names as RFC 2253, keeps multi-valued RDNs and prints IPv6 SANs canonically', async () => {
    const path = join(pki.dir, 'odd-names.pem');
    await runOpenssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ed25519',
        '-nodes',
        '-keyout',
        join(pki.dir, 'odd-names.key'),
        '-out',
        path,
        '-days',
        '1',
        '-multivalue-rdn',
        '-utf8',
        '-subj',
        '/C=CN/O=Acme\\, Inc.+OU=Ops/CN=  spaced "quoted" <x>;',
        '-addext',
        'subjectAltName=IP:2001:db8:0:0:0:0:0:1,IP:0:0:0:0:0:0:0:1,URI:https://example.gov.cn/x',
      ],
      pki.dir,
    );
    const parsed = parseCertificate(pemToDer(await readFile(path, 'utf8')));
    expect(parsed.subject).toBe((await describeWithOpenssl(path)).subject);
    expect(parsed.subject).toBe('CN=\\  spaced \\"quoted\\" \\<x\\>\\;,O=Acme\\, Inc.+OU=Ops,C=CN');
    expect(parsed.sans).toEqual([
      { type: 'ip', value: '2001:db8::1' },
      { type: 'ip', value: '::1' },
      { type: 'uri', value: 'https://example.gov.cn/x' },
    ]);
    expect(parsed).toMatchObject({ keyAlgorithm: 'ed25519', signatureAlgorithm: 'ED25519' });
    expect(parsed.keySize).toBeUndefined();
  });

  it('rejects what is not a certificate', () => {
    expect(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(CertificateParseError);
    expect(() => parseCertificate(new TextEncoder().encode('hello'))).toThrow(CertificateParseError);
    expect(() => parseCertificate(pki.rsa.leaf.der.subarray(0, 200))).toThrow(CertificateParseError);
  });
});

async function describeWithOpenssl(path: string) {
  const text = await runOpenssl(
    [
      'x509',
      '-in',
      path,
      '-noout',
      '-serial',
      '-fingerprint',
      '-sha256',
      '-nameopt',
      'RFC2253,-esc_msb',
      '-subject',
      '-issuer',
    ],
    '.',
  );
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1];
  return {
    serial: field('serial'),
    fingerprint: field('sha256 Fingerprint')?.replaceAll(':', '').toLowerCase(),
    subject: field('subject'),
    issuer: field('issuer'),
  };
}

/** Re-encodes a certificate with `05 00` after the outer signature algorithm's OID, as some SM2 CAs write it. */
function withNullSignatureParameters(der: Uint8Array): Buffer {
  const [tbs, algorithm, signature] = childrenOf(der, readTlv(der, 0));
  const slice = (tlv: typeof tbs) => Buffer.from(der.subarray(tlv!.start, tlv!.end));
  const oid = Buffer.from(der.subarray(algorithm!.contentStart, algorithm!.end));
  const algorithmWithNull = sequence(Buffer.concat([oid, Buffer.from([0x05, 0x00])]));
  return sequence(Buffer.concat([slice(tbs), algorithmWithNull, slice(signature)]));
}

function sequence(content: Buffer): Buffer {
  const length = content.length;
  const header =
    length < 0x80 ? [0x30, length] : length < 0x100 ? [0x30, 0x81, length] : [0x30, 0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}
