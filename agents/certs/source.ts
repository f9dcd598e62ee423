import type { CertificateObservation, CertSource } from '../../core/contracts/agent.ts';

/** What scanning one certificate source needs from outside. */
export type ScanContext = {
  /** PEM trust anchors (RSA, ECDSA or SM2 roots) chains are verified against. */
  trustAnchorsPem: readonly string[];
  now: () => Date;
};

/** A file or endpoint that could not be read or parsed: reported, never fatal to the scan. */
export type ScanProblem = { location: string; message: string };

export type CertScanResult = {
  observations: CertificateObservation[];
  problems: ScanProblem[];
};

/** One file per kind of source under agents/certs/ implements this. */
export type CertSourceScanner<S extends CertSource = CertSource> = (
  source: S,
  context: ScanContext,
) => Promise<CertScanResult>;
