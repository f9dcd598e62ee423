import { childrenOf, contentOf, decodeOid, expectTag, readTlv, tags, toHex, type Tlv } from './der.ts';

/**
 * The X.509 extensions the inventory reads from DER itself: subject alternative names typed (Node's
 * `subjectAltName` is one escaped string, ambiguous to split), and the key identifiers that pick the
 * right issuer when a CA was re-keyed under the same name.
 */

export type SubjectAltName = { type: 'dns' | 'ip' | 'email' | 'uri'; value: string };

export type CertificateExtensions = {
  sans: SubjectAltName[];
  subjectKeyId?: string;
  authorityKeyId?: string;
};

const extensionOids = {
  subjectKeyIdentifier: '2.5.29.14',
  subjectAltName: '2.5.29.17',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

/** GeneralName choices by their context tag; directoryName, otherName and the rest are not kept. */
const generalNameTypes: Record<number, SubjectAltName['type']> = {
  0x81: 'email',
  0x82: 'dns',
  0x86: 'uri',
  0x87: 'ip',
};

/** Reads the `[3] Extensions` element of a TBSCertificate, when there is one. */
export function readExtensions(der: Uint8Array, extensionsField: Tlv | undefined): CertificateExtensions {
  const result: CertificateExtensions = { sans: [] };
  if (!extensionsField) return result;
  const list = expectTag(childrenOf(der, extensionsField)[0], tags.sequence, 'Extensions');
  for (const extension of childrenOf(der, list)) {
    const parts = childrenOf(der, extension);
    const oid = decodeOid(contentOf(der, expectTag(parts[0], tags.oid, 'extension id')));
    const value = expectTag(parts[parts.length - 1], tags.octetString, 'extension value');
    if (oid === extensionOids.subjectAltName) result.sans = readGeneralNames(der, value);
    else if (oid === extensionOids.subjectKeyIdentifier) result.subjectKeyId = readSubjectKeyId(der, value);
    else if (oid === extensionOids.authorityKeyIdentifier) result.authorityKeyId = readAuthorityKeyId(der, value);
  }
  return result;
}

function readGeneralNames(der: Uint8Array, value: Tlv): SubjectAltName[] {
  const names = expectTag(readTlv(der, value.contentStart, value.end), tags.sequence, 'GeneralNames');
  const sans: SubjectAltName[] = [];
  for (const name of childrenOf(der, names)) {
    const type = generalNameTypes[name.tag];
    if (!type) continue;
    const content = contentOf(der, name);
    const text = type === 'ip' ? formatIp(content) : Buffer.from(content).toString('latin1');
    if (text !== undefined) sans.push({ type, value: text });
  }
  return sans;
}

function readSubjectKeyId(der: Uint8Array, value: Tlv): string {
  const keyId = expectTag(readTlv(der, value.contentStart, value.end), tags.octetString, 'KeyIdentifier');
  return toHex(contentOf(der, keyId));
}

function readAuthorityKeyId(der: Uint8Array, value: Tlv): string | undefined {
  const aki = expectTag(readTlv(der, value.contentStart, value.end), tags.sequence, 'AuthorityKeyIdentifier');
  // keyIdentifier is [0] IMPLICIT OCTET STRING; issuer name and serial forms are not used for matching.
  const keyId = childrenOf(der, aki).find((part) => part.tag === 0x80);
  return keyId ? toHex(contentOf(der, keyId)) : undefined;
}

/** IPv4 dotted, IPv6 in its canonical compressed form; other lengths (name constraints' masks) are skipped. */
function formatIp(octets: Uint8Array): string | undefined {
  if (octets.length === 4) return octets.join('.');
  if (octets.length !== 16) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((octets[i]! << 8) | octets[i + 1]!).toString(16));
  // The WHATWG URL parser applies RFC 5952 (longest zero run compressed, lowercase).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
