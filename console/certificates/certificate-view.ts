import { type AlgorithmFamily, algorithmFamilies, type ExpiryWindow, expiryWindowOf } from '../../core/cert-windows.ts';
import type { ChainProblem } from '../../core/contracts/agent.ts';
import type { CertificatesTable } from '../store/schema.ts';

/** A certificate as the inventory shows it. Personal certificates never carry a subject or name. */
export type CertificateView = {
  fingerprint: string;
  commonName: string | null;
  subject: string | null;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  window: ExpiryWindow;
  keyAlgorithm: string;
  keySize: number | null;
  curve: string | null;
  signatureAlgorithm: string;
  family: AlgorithmFamily;
  sans: string[];
  isCa: boolean;
  personal: boolean;
  department: string | null;
  departmentName: string | null;
  chainVerified: boolean;
  chainProblems: ChainProblem[];
  firstSeenAt: string;
  lastSeenAt: string;
};

export type CertificateRow = CertificatesTable & { department_name: string | null };

/** The store's row as the API and pages show it, with its expiry window at `now`. */
export function certificateView(r: CertificateRow, now: Date): CertificateView {
  const personal = r.personal === 1;
  return {
    fingerprint: r.fingerprint,
    // The store keeps no personal subject; this guards the view should a row ever carry one.
    commonName: personal ? null : r.common_name,
    subject: personal ? null : r.subject,
    issuer: r.issuer,
    serial: r.serial,
    notBefore: r.not_before,
    notAfter: r.not_after,
    window: expiryWindowOf(r.not_after, now),
    keyAlgorithm: r.key_algorithm,
    keySize: r.key_size === null ? null : Number(r.key_size),
    curve: r.curve,
    signatureAlgorithm: r.signature_algorithm,
    family: (algorithmFamilies as readonly string[]).includes(r.algorithm_family)
      ? (r.algorithm_family as AlgorithmFamily)
      : 'other',
    sans: JSON.parse(r.sans) as string[],
    isCa: r.is_ca === 1,
    personal,
    department: r.department_code,
    departmentName: r.department_name,
    chainVerified: r.chain_verified === 1,
    chainProblems: JSON.parse(r.chain_problems) as ChainProblem[],
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
  };
}
