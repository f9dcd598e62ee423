/**
 * What a file holds, as far as certificates go: PEM certificate blocks, one DER certificate, or
 * nothing of interest (keys, CSRs, anything else). Deciding "corrupt" versus "not a certificate"
 * is left to the caller, which knows the file's name.
 */

export type FileCertificates =
  { kind: 'pem'; ders: Uint8Array[]; corruptBlocks: number } | { kind: 'der'; der: Uint8Array } | { kind: 'none' };

// `X509 CERTIFICATE` is the pre-RFC 7468 label some older tools still write.
const certificateBlock = /-----BEGIN (X509 )?CERTIFICATE-----([\s\S]*?)-----END (X509 )?CERTIFICATE-----/g;
const certificateBegin = /-----BEGIN (X509 )?CERTIFICATE-----/g;
const base64Body = /^[A-Za-z0-9+/=\s]*$/;
const sequenceTag = 0x30;

/** Splits file content into certificate DERs without parsing them. */
export function certificatesInFile(bytes: Uint8Array): FileCertificates {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (text.includes('-----BEGIN ')) return { kind: 'pem', ...certificatesInPem(text) };
  if (bytes[0] === sequenceTag) return { kind: 'der', der: bytes };
  return { kind: 'none' };
}

/** The DER of every CERTIFICATE block of a PEM text; other blocks (keys, CSRs) are ignored. */
export function certificatesInPem(text: string): { ders: Uint8Array[]; corruptBlocks: number } {
  const ders: Uint8Array[] = [];
  let corruptBlocks = 0;
  for (const match of text.matchAll(certificateBlock)) {
    const body = match[2] ?? '';
    // Buffer.from(…, 'base64') skips characters it does not know; a damaged block must not pass as a short one.
    const der = base64Body.test(body) ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : undefined;
    if (der && der.length > 0) ders.push(new Uint8Array(der.buffer, der.byteOffset, der.byteLength));
    else corruptBlocks++;
  }
  // A block cut short (a truncated copy) has a BEGIN line and no END line.
  corruptBlocks += (text.match(certificateBegin)?.length ?? 0) - ders.length - corruptBlocks;
  return { ders, corruptBlocks };
}
