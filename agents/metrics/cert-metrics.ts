import { Gauge, type Registry } from 'prom-client';
import type { CertificateObservation, CertSource } from '../../core/contracts/agent.ts';
import type { CertScanResult } from '../certs/source.ts';

/**
 * Certificates as Prometheus series. Server certificates are named (source, fingerprint, common
 * names) because an operator must find the one to renew. Personal certificates carry a person's
 * name and ID number: they appear only as counts per department, expiry window and algorithm
 * family, and nothing that could single one out (subject, serial, fingerprint) is even kept in
 * memory here. Series are computed at scrape time, so the expiry windows move with the clock
 * between scans and a removed source leaves no series behind.
 */

export const personalCountMetric = 'gov_cert_personal_certificates';

export const expiryWindows = ['expired', '7d', '30d', 'valid'] as const;
export type ExpiryWindow = (typeof expiryWindows)[number];
export type AlgorithmFamily = 'sm2' | 'rsa' | 'ecdsa' | 'other';

const day = 86_400_000;

export function expiryWindow(notAfter: number, now: number): ExpiryWindow {
  if (notAfter <= now) return 'expired';
  if (notAfter <= now + 7 * day) return '7d';
  if (notAfter <= now + 30 * day) return '30d';
  return 'valid';
}

/** By the certificate's key: the figure operators follow is the share of certificates on SM2. */
export function algorithmFamily(o: Pick<CertificateObservation, 'keyAlgorithm' | 'curve'>): AlgorithmFamily {
  const key = o.keyAlgorithm.toLowerCase();
  if (key === 'sm2' || key === '1.2.156.10197.1.301' || o.curve?.toUpperCase() === 'SM2') return 'sm2';
  if (key === 'rsa' || key === 'rsa-pss') return 'rsa';
  if (key === 'ec') return 'ecdsa';
  return 'other';
}

/** The most specific CN of an RFC 2253 name (`CN=portal.gov.cn,O=…`), escapes undone. */
export function commonName(dn: string | null): string {
  if (!dn) return '';
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) current += dn[++i];
    else if (c === ',' || c === '+' || c === '\n') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  const cn = parts.map((p) => p.trim()).find((p) => /^CN=/i.test(p));
  return cn ? cn.slice(3).slice(0, 128) : '';
}

type ServerCert = {
  fingerprint: string;
  subjectCn: string;
  issuerCn: string;
  algorithm: AlgorithmFamily;
  notAfter: number;
  verified: boolean;
};
type PersonalCert = { department: string; algorithm: AlgorithmFamily; notAfter: number };
type SourceState = {
  problems: number;
  server: ServerCert[];
  personal: PersonalCert[];
  /** TLS sources only: the chain the endpoint presented. */
  tls?: { earliestExpiry: number; verifiedChainExpiry: number | null };
};

export type CertMetrics = {
  /** Replaces what is known of one source with its latest scan. */
  observeScan(source: CertSource, scan: Pick<CertScanResult, 'observations' | 'problems'>): void;
  /** Forgets sources no longer configured. */
  retainSources(sources: readonly Pick<CertSource, 'id'>[]): void;
};

export function registerCertMetrics(
  registry: Registry,
  { now = () => new Date() }: { now?: () => Date } = {},
): CertMetrics {
  const states = new Map<string, SourceState>();
  const registers = [registry];

  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, at: number) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        fill(this, now().getTime());
      },
    });

  gauge(
    'probe_ssl_earliest_cert_expiry',
    'Earliest expiry (unix time) in the chain a TLS source presented.',
    ['source'],
    (g) => {
      for (const [source, s] of states) if (s.tls) g.set({ source }, s.tls.earliestExpiry / 1000);
    },
  );
  gauge(
    'probe_ssl_last_chain_expiry_timestamp_seconds',
    'Expiry (unix time) of the verified chain a TLS source presented: its earliest notAfter; absent when unverified.',
    ['source'],
    (g) => {
      for (const [source, s] of states) {
        if (typeof s.tls?.verifiedChainExpiry === 'number') g.set({ source }, s.tls.verifiedChainExpiry / 1000);
      }
    },
  );
  const serverLabels = ['source', 'fingerprint', 'subject_cn', 'issuer_cn', 'algorithm'];
  gauge(
    'gov_cert_not_after_timestamp_seconds',
    'Expiry (unix time) of each server (non-personal) certificate.',
    serverLabels,
    (g) => {
      for (const [source, s] of states) {
        for (const c of s.server) g.set(serverCertLabels(source, c), c.notAfter / 1000);
      }
    },
  );
  gauge(
    'gov_cert_chain_verified',
    'Whether a server certificate chains to a configured trust anchor (1) or not (0).',
    serverLabels,
    (g) => {
      for (const [source, s] of states)
        for (const c of s.server) g.set(serverCertLabels(source, c), c.verified ? 1 : 0);
    },
  );
  gauge(
    personalCountMetric,
    'Personal certificates (leaf, one per fingerprint and source) by department, expiry window and key algorithm family.',
    ['department', 'window', 'algorithm'],
    (g, at) => {
      const groups = new Map<
        string,
        { department: string; algorithm: string; windows: Record<ExpiryWindow, number> }
      >();
      for (const s of states.values()) {
        for (const c of s.personal) {
          const key = `${c.department}\u0000${c.algorithm}`;
          const group = groups.get(key) ?? {
            department: c.department,
            algorithm: c.algorithm,
            windows: emptyWindows(),
          };
          group.windows[expiryWindow(c.notAfter, at)] += 1;
          groups.set(key, group);
        }
      }
      // Every window of a department and family is written, zeros too, so ratios and sums work.
      for (const { department, algorithm, windows } of groups.values()) {
        for (const window of expiryWindows) g.set({ department, window, algorithm }, windows[window]);
      }
    },
  );
  gauge(
    'gov_cert_scan_problems',
    'Files or endpoints the last scan of a source could not read or parse.',
    ['source'],
    (g) => {
      for (const [source, s] of states) g.set({ source }, s.problems);
    },
  );

  return {
    observeScan(source, { observations, problems }) {
      const previous = states.get(source.id);
      const state: SourceState = { server: [], personal: [], problems: problems.length };
      const seen = new Set<string>();
      for (const o of observations) {
        if (seen.has(o.fingerprintSha256)) continue; // one certificate found in two files counts once
        seen.add(o.fingerprintSha256);
        const notAfter = Date.parse(o.notAfter);
        const algorithm = algorithmFamily(o);
        if (o.personal || source.personal) {
          // Issuing CAs found beside personal certificates are not people; only leaves are counted.
          if (!o.isCa)
            state.personal.push({ department: o.department ?? source.department ?? 'unknown', algorithm, notAfter });
        } else {
          state.server.push({
            fingerprint: o.fingerprintSha256,
            subjectCn: commonName(o.subject),
            issuerCn: commonName(o.issuer),
            algorithm,
            notAfter,
            verified: o.chainVerified,
          });
        }
      }
      if (source.kind === 'tls' && observations.length) {
        const earliest = Math.min(...observations.map((o) => Date.parse(o.notAfter)));
        const leaf = observations.find((o) => o.position === 0);
        state.tls = { earliestExpiry: earliest, verifiedChainExpiry: leaf?.chainVerified ? earliest : null };
      } else if (source.kind === 'tls' && previous) {
        // An endpoint that cannot be reached still has its certificate: keep the last one seen, so
        // an expiry alert does not fall silent during an outage (gov_cert_scan_problems says why).
        Object.assign(state, { server: previous.server, personal: previous.personal, tls: previous.tls });
      }
      states.set(source.id, state);
    },
    retainSources(sources) {
      const kept = new Set(sources.map((s) => s.id));
      for (const id of states.keys()) if (!kept.has(id)) states.delete(id);
    },
  };
}

function emptyWindows(): Record<ExpiryWindow, number> {
  return { expired: 0, '7d': 0, '30d': 0, valid: 0 };
}

function serverCertLabels(source: string, c: ServerCert) {
  return { source, fingerprint: c.fingerprint, subject_cn: c.subjectCn, issuer_cn: c.issuerCn, algorithm: c.algorithm };
}
