import type { CertificateObservation, CertSource } from '../../core/contracts/agent.ts';
import type { ParsedCertificate } from './certificate.ts';
import { maxChainLength, type ChainVerdict } from './chain.ts';
import type { SubjectAltName } from './extensions.ts';
import { redactPersonal } from './redaction.ts';

/**
 * Turns a verified chain into the observations the agent reports. Every source builds its
 * observations here, so redaction of personal certificates cannot be forgotten by one of them, and
 * values are held to the contract's limits: the console stores a batch whole or not at all, and one
 * odd certificate must not keep a whole batch in the spool.
 */
export type ObservationContext = {
  source: CertSource;
  /** `tls://host:port`, a file path, or `p12:path`. */
  location: string;
  observedAt: string;
};

const maxNameLength = 2000;
const maxSans = 500;
const maxSanLength = 500;

export function observeChain(
  chain: readonly ParsedCertificate[],
  verdicts: readonly ChainVerdict[],
  { source, location, observedAt }: ObservationContext,
): CertificateObservation[] {
  const kept = chain.slice(0, maxChainLength);
  return kept.map((certificate, position) => {
    const verdict = verdicts[position] ?? { chainVerified: false, chainProblems: [] };
    const observation: CertificateObservation = {
      sourceId: source.id,
      location,
      position,
      chainLength: kept.length,
      fingerprintSha256: certificate.fingerprintSha256,
      subject: clip(certificate.subject),
      issuer: clip(certificate.issuer),
      serial: certificate.serial,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      keyAlgorithm: certificate.keyAlgorithm,
      ...(certificate.keySize === undefined ? {} : { keySize: certificate.keySize }),
      ...(certificate.curve === undefined ? {} : { curve: certificate.curve }),
      signatureAlgorithm: certificate.signatureAlgorithm,
      signatureAlgorithmOid: certificate.signatureAlgorithmOid,
      sans: certificate.sans
        .map(formatSan)
        .filter((san) => san.length <= maxSanLength)
        .slice(0, maxSans),
      isCa: certificate.isCa,
      personal: source.personal,
      ...(source.department === undefined ? {} : { department: source.department }),
      chainVerified: verdict.chainVerified,
      chainProblems: verdict.chainProblems,
      observedAt,
    };
    return source.personal ? redactPersonal(observation) : observation;
  });
}

/** Host SANs as they are; the others prefixed as OpenSSL prints them, so none passes for a host name. */
function formatSan({ type, value }: SubjectAltName): string {
  if (type === 'email') return `email:${value}`;
  if (type === 'uri') return `URI:${value}`;
  return value;
}

function clip(name: string): string {
  return name.length <= maxNameLength ? name : `${name.slice(0, maxNameLength - 1)}…`;
}
