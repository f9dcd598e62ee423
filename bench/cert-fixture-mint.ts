import { execFile } from 'node:child_process';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_emailProtection,
  id_kp_serverAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  OtherName,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { sm2 } from 'sm-crypto-v2';

/**
 * Minting X.509 certificates in-process for benchmarks: the OpenSSL CLI takes tens of milliseconds
 * per certificate, far too slow for an inventory of tens of thousands. TBSCertificates are built
 * with @peculiar/asn1-x509 and signed with node:crypto (RSA, ECDSA) or sm-crypto-v2 (SM2 with SM3
 * and GM/T 0009's default user id, as real SM2 CAs sign; Node cannot pass that id).
 */

export const mintAlgorithms = ['sm2', 'rsa', 'ecdsa'] as const;
export type MintAlgorithm = (typeof mintAlgorithms)[number];

/** A key that can sign, with what a certificate needs of its public half. */
export type SigningKey = {
  algorithm: MintAlgorithm;
  spki: SubjectPublicKeyInfo;
  /** SHA-1 of the public key bits, RFC 5280's method (1) key identifier. */
  keyId: Uint8Array;
  sign(tbs: Uint8Array): Uint8Array;
};

const sm2DefaultUserId = '1234567812345678';
const run = promisify(execFile);

const signatureAlgorithms: Record<MintAlgorithm, AlgorithmIdentifier> = {
  rsa: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null }), // sha256WithRSAEncryption
  ecdsa: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }), // ecdsa-with-SHA256
  sm2: new AlgorithmIdentifier({ algorithm: '1.2.156.10197.1.501' }), // SM2-with-SM3
};
const signatureAlgorithmDer = Object.fromEntries(
  mintAlgorithms.map((a) => [a, Buffer.from(AsnConvert.serialize(signatureAlgorithms[a]))]),
) as Record<MintAlgorithm, Buffer>;

const opensslKeyOptions: Record<MintAlgorithm, string[]> = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ecdsa: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  sm2: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2'],
};

/** A CA key made by the OpenSSL CLI, as a department CA makes it; returns the PEM of the private key. */
export async function opensslKey(algorithm: MintAlgorithm, path: string): Promise<string> {
  await run('openssl', ['genpkey', ...opensslKeyOptions[algorithm], '-out', path]);
  return readFile(path, 'utf8');
}

/** A signing key from a PKCS#8 PEM (RSA, P-256 or SM2). */
export function signingKeyFromPem(algorithm: MintAlgorithm, pem: string): SigningKey {
  return signingKey(algorithm, createPrivateKey(pem));
}

/** Fresh keys for leafs: a pool, since a leaf's own key never signs anything a scan checks. */
export function generateSigningKey(algorithm: MintAlgorithm): SigningKey {
  const { privateKey } =
    algorithm === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: algorithm === 'sm2' ? 'SM2' : 'prime256v1' });
  return signingKey(algorithm, privateKey);
}

function signingKey(algorithm: MintAlgorithm, privateKey: KeyObject): SigningKey {
  const spkiDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  const keyId = createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
  if (algorithm !== 'sm2') {
    return { algorithm, spki, keyId, sign: (tbs) => sign('sha256', tbs, privateKey) };
  }
  // Node knows SM2 keys only as bytes: take the scalar out of the PKCS#8 for sm-crypto-v2.
  const privateHex = sm2Scalar(privateKey.export({ format: 'der', type: 'pkcs8' }));
  const publicHex = Buffer.from(spki.subjectPublicKey).toString('hex'); // 04 ‖ x ‖ y
  if (sm2.getPublicKeyFromPrivateKey(privateHex) !== publicHex) throw new Error('SM2 key: scalar and point disagree');
  return {
    algorithm,
    spki,
    keyId,
    sign: (tbs) =>
      Buffer.from(
        sm2.doSignature(tbs, privateHex, { der: true, hash: true, publicKey: publicHex, userId: sm2DefaultUserId }),
        'hex',
      ),
  };
}

/** ECPrivateKey inside PKCS#8 starts `INTEGER 1, OCTET STRING (32)`: the scalar follows. */
function sm2Scalar(pkcs8: Buffer): string {
  const marker = Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]);
  const at = pkcs8.indexOf(marker);
  if (at < 0) throw new Error('SM2 key: no ECPrivateKey in the PKCS#8');
  return pkcs8.subarray(at + marker.length, at + marker.length + 32).toString('hex');
}

const attributeOids = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  serialNumber: '2.5.4.5',
} as const;

/** A distinguished name, most general first, one attribute per RDN; UTF8String except C and serialNumber. */
export function distinguishedName(parts: readonly [keyof typeof attributeOids, string][]): Name {
  return new Name(
    parts.map(([attribute, value]) => {
      const printable = attribute === 'C' || attribute === 'serialNumber';
      const atv = new AttributeTypeAndValue({
        type: attributeOids[attribute],
        value: new AttributeValue(printable ? { printableString: value } : { utf8String: value }),
      });
      return new RelativeDistinguishedName([atv]);
    }),
  );
}

export type Issuer = { name: Name; key: SigningKey };

export type CertificateProfile =
  | { kind: 'root' }
  | { kind: 'issuing-ca' }
  | { kind: 'server'; dns: string[]; ips: string[] }
  | { kind: 'personal'; email: string; idNumber: string }
  /** A server's certificate signed with its own key (no key identifiers, as home-made ones are). */
  | { kind: 'self-signed'; dns: string[] };

/** Builds, signs and encodes one certificate; returns its DER. */
export function mintCertificate({
  subject,
  subjectKey,
  issuer,
  notBefore,
  notAfter,
  profile,
}: {
  subject: Name;
  subjectKey: SigningKey;
  /** Omitted for self-signed certificates (roots, self-signed leafs). */
  issuer?: Issuer;
  notBefore: Date;
  notAfter: Date;
  profile: CertificateProfile;
}): Buffer {
  const signer = issuer ?? { name: subject, key: subjectKey };
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x10; // positive, and sixteen octets long
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial.buffer.slice(serial.byteOffset, serial.byteOffset + serial.byteLength),
    signature: signatureAlgorithms[signer.key.algorithm],
    issuer: signer.name,
    validity: new Validity({ notBefore, notAfter }),
    subject,
    subjectPublicKeyInfo: subjectKey.spki,
    extensions: new Extensions(extensionsFor(profile, subjectKey, signer.key)),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = signer.key.sign(tbsDer);
  // Assembled by hand so the signed bytes are exactly the bytes in the certificate.
  return derSequence([
    tbsDer,
    signatureAlgorithmDer[signer.key.algorithm],
    derTlv(0x03, Buffer.concat([Buffer.of(0), signature])),
  ]);
}

function extensionsFor(profile: CertificateProfile, subjectKey: SigningKey, issuerKey: SigningKey): Extension[] {
  const extension = (extnID: string, critical: boolean, value: unknown) =>
    new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const keyIds = [
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKey.keyId)),
    extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuerKey.keyId) }),
    ),
  ];
  const usage = (flags: number) => extension(id_ce_keyUsage, true, new KeyUsage(flags));
  switch (profile.kind) {
    case 'root':
    case 'issuing-ca':
      return [
        extension(
          id_ce_basicConstraints,
          true,
          new BasicConstraints(profile.kind === 'root' ? { cA: true } : { cA: true, pathLenConstraint: 0 }),
        ),
        usage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
        ...(profile.kind === 'root' ? keyIds.slice(0, 1) : keyIds),
      ];
    case 'server':
      return [
        extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
        usage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment),
        extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
        extension(id_ce_subjectAltName, false, sans(profile.dns, profile.ips)),
        ...keyIds,
      ];
    case 'self-signed':
      return [
        extension(id_ce_basicConstraints, false, new BasicConstraints({ cA: false })),
        extension(id_ce_subjectAltName, false, sans(profile.dns, [])),
      ];
    case 'personal':
      return [
        extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
        usage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
        extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_clientAuth, id_kp_emailProtection])),
        extension(
          id_ce_subjectAltName,
          false,
          new SubjectAlternativeName([
            new GeneralName({ rfc822Name: profile.email }),
            // The resident ID number as an otherName, as Chinese personal certificates carry it.
            new GeneralName({
              otherName: new OtherName({
                typeId: '1.2.156.10260.4.1.1',
                value: arrayBuffer(derTlv(0x0c, Buffer.from(profile.idNumber, 'utf8'))),
              }),
            }),
          ]),
        ),
        ...keyIds,
      ];
  }
}

function sans(dns: readonly string[], ips: readonly string[]): SubjectAlternativeName {
  return new SubjectAlternativeName([
    ...dns.map((dNSName) => new GeneralName({ dNSName })),
    ...ips.map((iPAddress) => new GeneralName({ iPAddress })),
  ]);
}

export function toPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function derTlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.of(n) : n < 0x100 ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 0xff); // < 64 KiB
  return Buffer.concat([Buffer.of(tag), length, content]);
}

function derSequence(parts: Buffer[]): Buffer {
  return derTlv(0x30, Buffer.concat(parts));
}

function arrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
