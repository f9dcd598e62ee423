import { createHash, X509Certificate } from 'node:crypto';
import {
  bitStringBytes,
  childrenOf,
  contentOf,
  decodeOid,
  expectTag,
  readTlv,
  tags,
  toHex,
  wholeOf,
  type Tlv,
} from './der.ts';
import { readExtensions, type SubjectAltName } from './extensions.ts';

/**
 * One certificate read from DER, any algorithm including SM2. Node's X509Certificate (OpenSSL)
 * supplies what it parses well and fast: names, validity, the CA flag, host matching. The DER walker
 * supplies what it does not expose: the signed bytes, the signature, key bits, typed SANs.
 */
export type ParsedCertificate = {
  der: Uint8Array;
  x509: X509Certificate;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprintSha256: string;
  /** RFC 2253 order (most specific first), RFC 2253 escaping, UTF-8. */
  subject: string;
  issuer: string;
  /** Case- and space-folded names: an issuer matches a subject when these are equal. */
  subjectKey: string;
  issuerKey: string;
  /** Uppercase hex of the serial's octets, leading zero octets dropped. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: string;
  keySize?: number;
  curve?: string;
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  sans: SubjectAltName[];
  isCa: boolean;
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** The signed TBSCertificate, its signature, and the subject public key's bits. */
  tbs: Uint8Array;
  signature: Uint8Array;
  publicKey: Uint8Array;
};

export const sm2Oids = { signatureWithSm3: '1.2.156.10197.1.501', curve: '1.2.156.10197.1.301' } as const;

export class CertificateParseError extends Error {
  override name = 'CertificateParseError';
}

const ecPublicKeyOid = '1.2.840.10045.2.1';

const keyAlgorithms: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  [ecPublicKeyOid]: 'ec',
  // Some early SM2 CAs put the curve OID where id-ecPublicKey belongs.
  [sm2Oids.curve]: 'sm2',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa',
};

/** OpenSSL's names, so figures read the same as `openssl x509 -text`. */
const curves: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.1': { name: 'prime192v1', bits: 192 },
  '1.3.132.0.33': { name: 'secp224r1', bits: 224 },
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
  [sm2Oids.curve]: { name: 'SM2', bits: 256 },
};

/** Parses one DER certificate; throws CertificateParseError when it is not one. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw new CertificateParseError('not a readable X.509 certificate');
  }
  try {
    return describe(der, x509);
  } catch (error) {
    throw new CertificateParseError(`malformed certificate: ${(error as Error).message}`);
  }
}

function describe(der: Uint8Array, x509: X509Certificate): ParsedCertificate {
  const certificate = expectTag(readTlv(der, 0), tags.sequence, 'Certificate');
  const [tbsField, signatureAlgorithmField, signatureField] = childrenOf(der, certificate);
  const tbs = expectTag(tbsField, tags.sequence, 'TBSCertificate');
  const fields = childrenOf(der, tbs);
  // The version is [0] EXPLICIT and absent for v1 certificates.
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serialField = expectTag(fields[first], tags.integer, 'serialNumber');
  const spki = expectTag(fields[first + 5], tags.sequence, 'SubjectPublicKeyInfo');
  const extensions = readExtensions(
    der,
    fields.slice(first + 6).find((field) => field.tag === 0xa3),
  );
  const signatureAlgorithmOid = algorithmOid(der, signatureAlgorithmField);
  const key = describeKey(der, spki);
  const subject = rfc2253(x509.subject);
  const issuer = rfc2253(x509.issuer);
  return {
    der,
    x509,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    subject,
    issuer,
    subjectKey: nameKey(subject),
    issuerKey: nameKey(issuer),
    serial: serialHex(contentOf(der, serialField)),
    notBefore: x509.validFromDate,
    notAfter: x509.validToDate,
    ...key.description,
    signatureAlgorithm: signatureAlgorithmName(signatureAlgorithmOid, x509),
    signatureAlgorithmOid,
    sans: extensions.sans,
    isCa: x509.ca,
    ...(extensions.subjectKeyId === undefined ? {} : { subjectKeyId: extensions.subjectKeyId }),
    ...(extensions.authorityKeyId === undefined ? {} : { authorityKeyId: extensions.authorityKeyId }),
    tbs: wholeOf(der, tbs),
    signature: bitStringBytes(der, expectTag(signatureField, tags.bitString, 'signatureValue')),
    publicKey: key.bits,
  };
}

/** The OID of an AlgorithmIdentifier; parameters (absent or NULL, as SM2 CAs vary) do not change the name. */
function algorithmOid(der: Uint8Array, identifier: Tlv | undefined): string {
  const parts = childrenOf(der, expectTag(identifier, tags.sequence, 'AlgorithmIdentifier'));
  return decodeOid(contentOf(der, expectTag(parts[0], tags.oid, 'algorithm')));
}

function signatureAlgorithmName(oid: string, x509: X509Certificate): string {
  if (oid === sm2Oids.signatureWithSm3) return 'SM2-with-SM3';
  return x509.signatureAlgorithm ?? oid;
}

type KeyDescription = { keyAlgorithm: string; keySize?: number; curve?: string };

function describeKey(der: Uint8Array, spki: Tlv): { description: KeyDescription; bits: Uint8Array } {
  const [algorithm, keyField] = childrenOf(der, spki);
  const parts = childrenOf(der, expectTag(algorithm, tags.sequence, 'AlgorithmIdentifier'));
  const oid = decodeOid(contentOf(der, expectTag(parts[0], tags.oid, 'key algorithm')));
  const bits = bitStringBytes(der, expectTag(keyField, tags.bitString, 'subjectPublicKey'));
  const keyAlgorithm = keyAlgorithms[oid] ?? oid;
  if (keyAlgorithm === 'rsa' || keyAlgorithm === 'rsa-pss') {
    return { description: { keyAlgorithm, keySize: rsaModulusBits(bits) }, bits };
  }
  if (keyAlgorithm === 'sm2') return { description: { keyAlgorithm, keySize: 256, curve: 'SM2' }, bits };
  if (keyAlgorithm === 'ec') {
    const parameters = parts[1];
    if (parameters?.tag !== tags.oid) return { description: { keyAlgorithm }, bits }; // explicit curve parameters
    const curveOid = decodeOid(contentOf(der, parameters));
    const curve = curves[curveOid];
    const description: KeyDescription = curve
      ? { keyAlgorithm: curveOid === sm2Oids.curve ? 'sm2' : 'ec', keySize: curve.bits, curve: curve.name }
      : { keyAlgorithm, curve: curveOid };
    return { description, bits };
  }
  return { description: { keyAlgorithm }, bits };
}

/** Bit length of the modulus of an RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
function rsaModulusBits(key: Uint8Array): number {
  const [modulusField] = childrenOf(key, expectTag(readTlv(key, 0), tags.sequence, 'RSAPublicKey'));
  let modulus = contentOf(key, expectTag(modulusField, tags.integer, 'modulus'));
  while (modulus.length > 1 && modulus[0] === 0) modulus = modulus.subarray(1);
  return (modulus.length - 1) * 8 + (32 - Math.clz32(modulus[0] ?? 0));
}

function serialHex(octets: Uint8Array): string {
  let start = 0;
  while (start < octets.length - 1 && octets[start] === 0) start++;
  return toHex(octets.subarray(start)).toUpperCase();
}

/**
 * Node prints names one RDN per line, most general first, escaped as RFC 2253 requires, with ` + `
 * between the parts of a multi-valued RDN (a literal `+` in a value is escaped, so splitting cannot
 * cut one). RFC 2253 wants the reverse order and commas; the parts of a multi-valued RDN are reversed
 * too, so the text equals `openssl x509 -nameopt RFC2253,-esc_msb`.
 */
export function rfc2253(multiline: string): string {
  if (multiline === '') return '';
  return multiline
    .split('\n')
    .reverse()
    .map((rdn) => rdn.split(' + ').reverse().join('+'))
    .join(',');
}

function nameKey(name: string): string {
  return name.toLowerCase().replace(/\s+/g, ' ');
}
