import {
  certificateObservationSchema,
  type CertificateObservation,
  type CertSource,
} from '../../core/contracts/agent.ts';
import { scanFilesSource } from './files.ts';
import { scanPkcs12Source } from './pkcs12.ts';
import { redactPersonal } from './redaction.ts';
import type { CertScanResult, ScanContext, ScanProblem } from './source.ts';
import { scanTlsSource } from './tls.ts';
import { trustStoreFor } from './trust.ts';

/**
 * Scans one configured certificate source: the one entry point the agent calls, and the last gate
 * before observations leave the agent. Whatever a source's scanner returns, here every observation
 * carries the source's id, department and the scan's time, personal ones are redacted, and each is
 * checked against the contract so one odd certificate becomes a problem rather than a batch the
 * console refuses whole. Nothing a source does makes the scan throw.
 */
export async function scanCertSource(source: CertSource, context: ScanContext): Promise<CertScanResult> {
  const observedAt = context.now().toISOString();
  const scanContext: ScanContext = { ...context, now: () => new Date(observedAt) };
  let result: CertScanResult;
  try {
    result = await scannerFor(source, scanContext);
  } catch (error) {
    result = {
      observations: [],
      problems: [{ location: sourceLocation(source), message: `scan failed: ${(error as Error).message}` }],
    };
  }
  const problems: ScanProblem[] = trustStoreFor(context.trustAnchorsPem).problems.map((message) => ({
    location: 'trust anchors',
    message,
  }));
  problems.push(...result.problems);
  const observations: CertificateObservation[] = [];
  for (const observation of result.observations) {
    const stamped = stamp(observation, source, observedAt);
    const checked = certificateObservationSchema.safeParse(stamped);
    if (checked.success) {
      observations.push(checked.data);
    } else {
      // Only field paths: a message quoting values could quote a personal certificate's subject.
      const fields = [...new Set(checked.error.issues.map((issue) => issue.path.join('.')))].join(', ');
      problems.push({
        location: observation.location,
        message: `certificate ${observation.fingerprintSha256.slice(0, 16)} not reportable (${fields})`,
      });
    }
  }
  return { observations, problems };
}

function scannerFor(source: CertSource, context: ScanContext): Promise<CertScanResult> {
  switch (source.kind) {
    case 'tls':
      return scanTlsSource(source, context);
    case 'files':
      return scanFilesSource(source, context);
    case 'pkcs12':
      return scanPkcs12Source(source, context);
  }
}

function stamp(observation: CertificateObservation, source: CertSource, observedAt: string): CertificateObservation {
  const { department: _ignored, ...rest } = observation;
  const stamped: CertificateObservation = {
    ...rest,
    sourceId: source.id,
    ...(source.department === undefined ? {} : { department: source.department }),
    personal: source.personal,
    observedAt,
  };
  return source.personal ? redactPersonal(stamped) : stamped;
}

function sourceLocation(source: CertSource): string {
  if (source.kind === 'tls') return `tls://${source.host}:${source.port}`;
  if (source.kind === 'pkcs12') return `p12:${source.path}`;
  return source.paths.join(', ');
}
