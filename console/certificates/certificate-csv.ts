import { formatCsv } from '../../core/csv.ts';
import type { CertificateView } from './certificate-view.ts';

export const certificateCsvColumns = [
  'fingerprint_sha256',
  'common_name',
  'subject',
  'issuer',
  'serial',
  'not_before',
  'not_after',
  'window',
  'algorithm_family',
  'key_algorithm',
  'key_size',
  'curve',
  'signature_algorithm',
  'sans',
  'ca',
  'personal',
  'department',
  'chain_verified',
  'chain_problems',
  'first_seen_at',
  'last_seen_at',
] as const;

/**
 * The inventory as CSV for Excel (BOM, CRLF, formula cells neutralised by core/csv.ts). A personal
 * certificate's subject and name cells are always empty, whatever the view holds.
 */
export function formatCertificatesCsv(certificates: readonly CertificateView[]): string {
  return formatCsv([
    [...certificateCsvColumns],
    ...certificates.map((c) => [
      c.fingerprint,
      c.personal ? '' : (c.commonName ?? ''),
      c.personal ? '' : (c.subject ?? ''),
      c.issuer,
      c.serial,
      c.notBefore,
      c.notAfter,
      c.window,
      c.family,
      c.keyAlgorithm,
      c.keySize === null ? '' : String(c.keySize),
      c.curve ?? '',
      c.signatureAlgorithm,
      c.sans.join(' '),
      c.isCa ? 'yes' : 'no',
      c.personal ? 'yes' : 'no',
      c.department ?? '',
      c.chainVerified ? 'yes' : 'no',
      c.chainProblems.join(' '),
      c.firstSeenAt,
      c.lastSeenAt,
    ]),
  ]);
}
