import { createHash } from 'node:crypto';
import type { CertificateObservation, LinkRound } from '../../core/contracts/agent.ts';

/**
 * Valid results in the contract's shape, for the delivery tests and the crash-test child: what a
 * probe or a certificate scanner would hand the batcher, with the given id so tests can follow it.
 */

export function sampleRound(targetId: string): LinkRound {
  return {
    targetId,
    kind: 'tcp',
    startedAt: '2025-03-01T08:00:00.000Z',
    sent: 3,
    received: 3,
    lossRatio: 0,
    rttMs: { min: 1, avg: 2, max: 3, mdev: 0.5 },
    jitterMs: 0.7,
  };
}

export function sampleCertificate(
  sourceId: string,
  n = 0,
  sans: string[] = ['portal.gov.example'],
): CertificateObservation {
  return {
    sourceId,
    location: 'tls://portal.gov.example:443',
    position: 0,
    chainLength: 2,
    fingerprintSha256: createHash('sha256').update(`${sourceId}/${n}`).digest('hex'),
    subject: 'CN=portal.gov.example',
    issuer: 'CN=Provincial Government CA',
    serial: (n + 1).toString(16).toUpperCase(),
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2026-01-01T00:00:00.000Z',
    keyAlgorithm: 'ec',
    curve: 'prime256v1',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    signatureAlgorithmOid: '1.2.840.10045.4.3.2',
    sans,
    isCa: false,
    personal: false,
    chainVerified: true,
    chainProblems: [],
    observedAt: '2025-03-01T08:00:00.000Z',
  };
}
