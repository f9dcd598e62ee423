import { isIP } from 'node:net';
import { chainProblems, type ChainProblem } from '../../core/contracts/agent.ts';
import type { ParsedCertificate } from './certificate.ts';
import { signedBy } from './signature.ts';
import { indexBySubject, isAnchor, type CertificateIndex, type TrustStore } from './trust.ts';

/**
 * Verifies presented certificates against the trust anchors, the way a client would, but reporting
 * every problem instead of stopping at the first: an inventory wants to know that a chain is both
 * expired and untrusted. Issuers are found by name (and key identifier), wherever they are: among
 * the anchors first, then the presented certificates in any order, then a pool of other
 * certificates from the same source (intermediates kept in their own files).
 */

export type ChainVerdict = { chainVerified: boolean; chainProblems: ChainProblem[] };

export type ChainOptions = {
  trust: TrustStore;
  now: Date;
  /** For TLS leafs: the name the leaf must be valid for. */
  hostname?: string;
  /** Further issuer candidates, e.g. every certificate found by the same files source. */
  pool?: CertificateIndex;
};

/** The contract's longest chain; a longer one is cut and reported by the caller. */
export const maxChainLength = 21;

type Link =
  | { kind: 'anchor' }
  | { kind: 'root'; signatureOk: boolean }
  | { kind: 'issued'; issuer: ParsedCertificate; signatureOk: boolean }
  | { kind: 'orphan' };

/**
 * One verdict per presented certificate, in the same order, each about the path from that
 * certificate up to where its chain ends. A certificate's problems include those of its issuers
 * (an expired intermediate breaks the leaf's chain too); its own dates are in notBefore/notAfter.
 */
export function verifyChain(presented: readonly ParsedCertificate[], options: ChainOptions): ChainVerdict[] {
  const links = new Map<ParsedCertificate, Link>();
  const linkOf = (certificate: ParsedCertificate): Link => {
    let link = links.get(certificate);
    if (!link) links.set(certificate, (link = findLink(certificate, presented, options)));
    return link;
  };
  return presented.map((certificate, position) => {
    const problems = pathProblems(certificate, linkOf, options.now);
    if (position === 0 && options.hostname !== undefined && !matchesHostname(certificate, options.hostname)) {
      problems.add('hostname_mismatch');
    }
    const ordered = chainProblems.filter((problem) => problems.has(problem));
    return { chainVerified: ordered.length === 0, chainProblems: ordered };
  });
}

function pathProblems(start: ParsedCertificate, linkOf: (c: ParsedCertificate) => Link, now: Date): Set<ChainProblem> {
  const problems = new Set<ChainProblem>();
  const seen = new Set<string>();
  let certificate = start;
  for (;;) {
    if (seen.has(certificate.fingerprintSha256) || seen.size > maxChainLength) {
      problems.add('broken_chain'); // a loop of cross-signatures never reaches an anchor
      break;
    }
    seen.add(certificate.fingerprintSha256);
    if (now < certificate.notBefore) problems.add('not_yet_valid');
    if (now > certificate.notAfter) problems.add('expired');
    const link = linkOf(certificate);
    if (link.kind === 'anchor') break;
    if (link.kind === 'orphan') {
      problems.add('broken_chain');
      break;
    }
    if (!link.signatureOk) problems.add('bad_signature');
    if (link.kind === 'root') {
      // Self-signed is the certificate's own fault; below it, the chain ends somewhere untrusted.
      problems.add(certificate === start ? 'self_signed' : 'untrusted');
      break;
    }
    certificate = link.issuer;
  }
  return problems;
}

function findLink(
  certificate: ParsedCertificate,
  presented: readonly ParsedCertificate[],
  options: ChainOptions,
): Link {
  if (isAnchor(certificate, options.trust)) return { kind: 'anchor' };
  const candidates = issuerCandidates(certificate, presented, options);
  if (certificate.subjectKey === certificate.issuerKey) {
    if (signedBy(certificate, certificate)) return { kind: 'root', signatureOk: true };
    // Self-issued but signed by another key: a CA re-keyed under its old name, signed by its predecessor.
    const predecessor = candidates.find((candidate) => signedBy(certificate, candidate));
    return predecessor
      ? { kind: 'issued', issuer: predecessor, signatureOk: true }
      : { kind: 'root', signatureOk: false };
  }
  if (candidates.length === 0) return { kind: 'orphan' };
  const issuer = candidates.find((candidate) => signedBy(certificate, candidate));
  return issuer
    ? { kind: 'issued', issuer, signatureOk: true }
    : { kind: 'issued', issuer: candidates[0]!, signatureOk: false };
}

/** Same-name certificates, the one whose key identifier matches first so re-keyed CAs cost one check. */
function issuerCandidates(
  certificate: ParsedCertificate,
  presented: readonly ParsedCertificate[],
  { trust, pool }: ChainOptions,
): ParsedCertificate[] {
  const byFingerprint = new Map<string, ParsedCertificate>();
  const consider = (candidate: ParsedCertificate) => {
    if (candidate.subjectKey !== certificate.issuerKey) return;
    if (candidate.fingerprintSha256 === certificate.fingerprintSha256) return;
    if (!byFingerprint.has(candidate.fingerprintSha256)) byFingerprint.set(candidate.fingerprintSha256, candidate);
  };
  trust.bySubject.get(certificate.issuerKey)?.forEach(consider);
  presented.forEach(consider);
  pool?.get(certificate.issuerKey)?.forEach(consider);
  const candidates = [...byFingerprint.values()];
  const keyId = certificate.authorityKeyId;
  if (keyId === undefined) return candidates;
  return [
    ...candidates.filter((candidate) => candidate.subjectKeyId === keyId),
    ...candidates.filter((candidate) => candidate.subjectKeyId !== keyId),
  ];
}

/**
 * RFC 6125 matching through OpenSSL: DNS SANs with a whole left-most wildcard label, the subject CN
 * only when there are no DNS SANs, IP SANs for an address.
 */
export function matchesHostname(certificate: ParsedCertificate, hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(name)) return certificate.x509.checkIP(name) !== undefined;
  return certificate.x509.checkHost(name, { subject: 'default', partialWildcards: false }) !== undefined;
}

/**
 * Splits certificates found together (a PEM file, a PKCS#12 bag list) into chains, leaf first: a
 * certificate that issued none of the others starts a chain, which then follows issuers by name. A
 * bundle of roots becomes one chain per root; a leaf with its intermediates becomes one chain.
 */
export function splitIntoChains(certificates: readonly ParsedCertificate[]): ParsedCertificate[][] {
  const unique = [...new Map(certificates.map((c) => [c.fingerprintSha256, c])).values()];
  const bySubject = indexBySubject(unique);
  const issuerOf = (certificate: ParsedCertificate): ParsedCertificate | undefined => {
    if (certificate.subjectKey === certificate.issuerKey) return undefined;
    const sameName = (bySubject.get(certificate.issuerKey) ?? []).filter((other) => other !== certificate);
    return sameName.find((other) => other.subjectKeyId === certificate.authorityKeyId) ?? sameName[0];
  };
  const issuers = new Set(unique.map(issuerOf).filter((issuer) => issuer !== undefined));
  const reached = new Set<ParsedCertificate>();
  const follow = (start: ParsedCertificate): ParsedCertificate[] => {
    const chain = [start];
    reached.add(start);
    for (
      let next = issuerOf(start);
      next && !chain.includes(next) && chain.length < maxChainLength;
      next = issuerOf(next)
    ) {
      chain.push(next);
      reached.add(next);
    }
    return chain;
  };
  const chains = unique.filter((certificate) => !issuers.has(certificate)).map(follow);
  // What is left issued something and was issued in a loop (cross-signed pairs): one chain each.
  for (const certificate of unique) if (!reached.has(certificate)) chains.push(follow(certificate));
  return chains;
}
