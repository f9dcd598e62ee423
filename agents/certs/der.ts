/**
 * Just enough DER to reach the parts of a certificate Node's X509Certificate does not expose: the
 * signed TBS bytes, the signature, the public key bits and the extensions' raw values. A walker over
 * tag-length-value headers is ten times faster than a schema parser (asn1js), which matters when an
 * agent inventories tens of thousands of certificates in one scan.
 */

/** One DER element, as offsets into the buffer it was read from. */
export type Tlv = {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
};

export const tags = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  sequence: 0x30,
} as const;

export class DerError extends Error {
  override name = 'DerError';
}

/** Reads the element starting at `offset`; only definite lengths and one-byte tags, as DER requires for X.509. */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new DerError(`truncated element at byte ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at byte ${offset}`);
  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new DerError(`unsupported length form at byte ${offset}`);
    if (contentStart + octets > limit) throw new DerError(`truncated length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[contentStart + i]!;
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`element at byte ${offset} runs past its container`);
  return { tag, start: offset, contentStart, end };
}

/** The elements directly inside a constructed element. */
export function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const children: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(bytes, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}

export function contentOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.end);
}

export function wholeOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** Dotted form of an OBJECT IDENTIFIER's content octets. */
export function decodeOid(content: Uint8Array): string {
  const arcs: string[] = [];
  let value = 0n;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i]!;
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) {
      // The first octets pack two arcs: 40 × first + second, with first capped at 2.
      const first = value < 40n ? 0n : value < 80n ? 1n : 2n;
      arcs.push(String(first), String(value - first * 40n));
    } else {
      arcs.push(String(value));
    }
    value = 0n;
  }
  if (arcs.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  return arcs.join('.');
}

/** The bits of a BIT STRING whose unused-bit count is zero (keys and signatures always are). */
export function bitStringBytes(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  expectTag(tlv, tags.bitString, 'BIT STRING');
  if (tlv.end === tlv.contentStart || bytes[tlv.contentStart] !== 0) throw new DerError('BIT STRING with unused bits');
  return bytes.subarray(tlv.contentStart + 1, tlv.end);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
