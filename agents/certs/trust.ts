import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import { certificatesInPem } from './pem.ts';

/**
 * The configured trust anchors, and the indexes chain building looks issuers up in. Anchors are
 * trusted by configuration, not by being self-signed: an intermediate configured as an anchor ends
 * a chain as trusted (OpenSSL's partial-chain behaviour), which is how sites pin a department CA.
 */
export type TrustStore = {
  anchors: readonly ParsedCertificate[];
  bySubject: CertificateIndex;
  /** Anchors that could not be read; the scan reports them, once per source. */
  problems: readonly string[];
};

/** Certificates by their case- and space-folded subject, to find a certificate's issuer candidates. */
export type CertificateIndex = ReadonlyMap<string, readonly ParsedCertificate[]>;

export function indexBySubject(certificates: Iterable<ParsedCertificate>): Map<string, ParsedCertificate[]> {
  const index = new Map<string, ParsedCertificate[]>();
  for (const certificate of certificates) {
    const sameSubject = index.get(certificate.subjectKey);
    if (!sameSubject) index.set(certificate.subjectKey, [certificate]);
    else if (!sameSubject.some((other) => other.fingerprintSha256 === certificate.fingerprintSha256)) {
      sameSubject.push(certificate);
    }
  }
  return index;
}

/** Parses PEM trust anchors (each string may hold several certificates). */
export function createTrustStore(anchorsPem: readonly string[]): TrustStore {
  const anchors: ParsedCertificate[] = [];
  const problems: string[] = [];
  anchorsPem.forEach((pem, index) => {
    const { ders, corruptBlocks } = certificatesInPem(pem);
    if (ders.length === 0 && corruptBlocks === 0) problems.push(`trust anchor ${index + 1}: no certificate in PEM`);
    if (corruptBlocks > 0) problems.push(`trust anchor ${index + 1}: ${corruptBlocks} damaged PEM block(s)`);
    for (const der of ders) {
      try {
        anchors.push(parseCertificate(der));
      } catch (error) {
        problems.push(`trust anchor ${index + 1}: ${(error as Error).message}`);
      }
    }
  });
  return { anchors, bySubject: indexBySubject(anchors), problems };
}

/** The agent's configuration object lives until the next reload: parse its anchors once, not per source. */
const stores = new WeakMap<readonly string[], TrustStore>();

export function trustStoreFor(anchorsPem: readonly string[]): TrustStore {
  let store = stores.get(anchorsPem);
  if (!store) stores.set(anchorsPem, (store = createTrustStore(anchorsPem)));
  return store;
}

/**
 * Whether a certificate is a configured anchor: the same certificate, or one with the same subject
 * and key (a root re-issued with new dates is still the root the operator chose to trust).
 */
export function isAnchor(certificate: ParsedCertificate, trust: TrustStore): boolean {
  const sameSubject = trust.bySubject.get(certificate.subjectKey) ?? [];
  return sameSubject.some(
    (anchor) =>
      anchor.fingerprintSha256 === certificate.fingerprintSha256 ||
      Buffer.compare(anchor.publicKey, certificate.publicKey) === 0,
  );
}
