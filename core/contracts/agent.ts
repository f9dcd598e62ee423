import { z } from 'zod';

/**
 * What a site agent and the console say to each other over HTTP. The agent enrols with a
 * one-time token, polls its configuration (targets and certificate sources) with an ETag, and
 * pushes batches of link rounds and certificate observations, each batch with an idempotency id
 * so a replay after a crash is acknowledged without being stored twice.
 */

/** Link codes and source ids travel in URLs, metric labels and spool records: plain ASCII. */
export const targetIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const targetId = z.string().regex(targetIdPattern);

export const probeKinds = ['icmp', 'tcp', 'http'] as const;
export type ProbeKind = (typeof probeKinds)[number];

const host = z.string().min(1).max(253);
const port = z.number().int().min(1).max(65535);

const targetBase = {
  /** The console's link code this target measures; the agent reports under it. */
  id: targetId,
  intervalSeconds: z.number().int().min(5).max(3600).default(30),
  /** Packets (ICMP) or attempts (TCP, HTTP) per round; every one that fails is counted. */
  packets: z.number().int().min(1).max(100).default(10),
  /** How long one packet or attempt may take before it counts as lost. */
  timeoutMs: z.number().int().min(50).max(30_000).default(1000),
};

export const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('icmp'), host, ...targetBase }),
  z.object({ kind: z.literal('tcp'), host, port, ...targetBase }),
  z.object({
    kind: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }),
    /** Status codes that count as success; default 2xx and 3xx. */
    expectStatus: z.array(z.number().int().min(100).max(599)).max(50).optional(),
    /** Accept a certificate the agent cannot verify (self-signed test sites); the round still times TLS. */
    insecureTls: z.boolean().default(false),
    ...targetBase,
  }),
]);
export type Target = z.infer<typeof targetSchema>;
export type TargetInput = z.input<typeof targetSchema>;

const sourceBase = {
  id: targetId,
  /** Personal certificates carry names and ID numbers: their subject is redacted before it leaves the agent. */
  personal: z.boolean().default(false),
  /** The department whose certificates these are (department code), for the inventory's per-department figures. */
  department: z.string().min(1).max(64).optional(),
};

export const certSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('tls'),
    host,
    port: port.default(443),
    /** SNI and the name the leaf must match; defaults to host. */
    servername: host.optional(),
    ...sourceBase,
  }),
  z.object({
    kind: z.literal('files'),
    /** Files, directories (searched recursively) and glob patterns of PEM or DER certificates. */
    paths: z.array(z.string().min(1).max(4096)).min(1).max(100),
    ...sourceBase,
  }),
  z.object({
    kind: z.literal('pkcs12'),
    path: z.string().min(1).max(4096),
    /** A file holding the PKCS#12 password; the password itself never sits in configuration. */
    passwordFile: z.string().min(1).max(4096),
    ...sourceBase,
  }),
]);
export type CertSource = z.infer<typeof certSourceSchema>;
export type CertSourceInput = z.input<typeof certSourceSchema>;

/** The configuration the console serves an agent (`GET /api/v1/agents/self/config`, with ETag). */
export const agentConfigSchema = z.object({
  /** Changes whenever anything below changes; the agent reports it back in every batch. */
  revision: z.string().min(1).max(64),
  targets: z.array(targetSchema).max(5000),
  certSources: z.array(certSourceSchema).max(500),
  /** PEM trust anchors (root CAs, RSA, ECDSA or SM2) that certificate chains are verified against. */
  trustAnchorsPem: z.array(z.string().max(20_000)).max(100).default([]),
  /** How often certificate sources are scanned. */
  certScanSeconds: z.number().int().min(60).max(86_400).default(3600),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

const rtt = z.number().nonnegative().max(600_000);

/** One round to one target: N packets, every failed one counted, no hidden retries. */
export const linkRoundSchema = z.object({
  targetId,
  kind: z.enum(probeKinds),
  startedAt: z.iso.datetime(),
  sent: z.number().int().min(1).max(100),
  received: z.number().int().min(0).max(100),
  /** (sent − received) / sent. */
  lossRatio: z.number().min(0).max(1),
  /** Round-trip times of the packets that came back, in milliseconds; null when none did. */
  rttMs: z.object({ min: rtt, avg: rtt, max: rtt, mdev: rtt }).nullable(),
  /** Mean absolute difference of consecutive RTTs, ms; null with fewer than two replies. */
  jitterMs: rtt.nullable(),
  /** HTTP only: phase timings of the last attempt, ms. */
  phasesMs: z
    .object({
      dns: rtt.optional(),
      connect: rtt.optional(),
      tls: rtt.optional(),
      firstByte: rtt.optional(),
      total: rtt.optional(),
    })
    .optional(),
  httpStatus: z.number().int().min(100).max(599).optional(),
  /** A short, human reason for failures in this round (e.g. "connection refused"). */
  error: z.string().max(200).optional(),
});
export type LinkRound = z.infer<typeof linkRoundSchema>;

export const chainProblems = [
  'expired',
  'not_yet_valid',
  'self_signed',
  'untrusted',
  'broken_chain',
  'bad_signature',
  'hostname_mismatch',
] as const;
export type ChainProblem = (typeof chainProblems)[number];

/** One certificate as an agent saw it, at one position of one chain. */
export const certificateObservationSchema = z.object({
  sourceId: targetId,
  /** Where it was found: `tls://host:port`, a file path, or `p12:path`. */
  location: z.string().max(4096),
  /** 0 is the leaf; issuers follow in the order presented. */
  position: z.number().int().min(0).max(20),
  chainLength: z.number().int().min(1).max(21),
  /** SHA-256 of the DER, lowercase hex without separators. */
  fingerprintSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Distinguished name; null when the certificate is personal and its subject was redacted. */
  subject: z.string().max(2000).nullable(),
  issuer: z.string().max(2000),
  serial: z.string().regex(/^[0-9A-F]{1,80}$/),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  /** rsa, ec, sm2, ed25519, ed448, dsa or the key's OID when unknown. */
  keyAlgorithm: z.string().min(1).max(64),
  keySize: z.number().int().positive().max(65_536).optional(),
  /** Named curve for EC keys (e.g. prime256v1, SM2). */
  curve: z.string().max(64).optional(),
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA256, SM2-with-SM3. */
  signatureAlgorithm: z.string().min(1).max(64),
  signatureAlgorithmOid: z.string().regex(/^[0-9]+(\.[0-9]+)+$/),
  /** DNS and IP SANs; e-mail and other personal SANs are dropped for personal certificates. */
  sans: z.array(z.string().max(500)).max(500),
  isCa: z.boolean(),
  personal: z.boolean(),
  department: z.string().max(64).optional(),
  /** The chain's verification against the configured trust anchors, from this certificate up. */
  chainVerified: z.boolean(),
  chainProblems: z.array(z.enum(chainProblems)).max(10),
  observedAt: z.iso.datetime(),
});
export type CertificateObservation = z.infer<typeof certificateObservationSchema>;

/** Bounded so a batch stays well under the console's 1 MiB body limit. */
export const maxRoundsPerBatch = 1000;
export const maxCertificatesPerBatch = 500;

/** `POST /api/v1/agents/reports`: one batch, stored whole or not at all. */
export const reportBatchSchema = z.object({
  /** Chosen by the agent when the batch is first spooled; replays carry the same id. */
  batchId: z.uuid(),
  agentVersion: z.string().min(1).max(40),
  configRevision: z.string().max(64).nullable(),
  sentAt: z.iso.datetime(),
  spool: z.object({
    records: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    /** Results dropped since the agent started because the spool was full (never silently). */
    droppedTotal: z.number().int().nonnegative(),
  }),
  rounds: z.array(linkRoundSchema).max(maxRoundsPerBatch),
  certificates: z.array(certificateObservationSchema).max(maxCertificatesPerBatch),
});
export type ReportBatch = z.infer<typeof reportBatchSchema>;

export const reportAckSchema = z.object({
  batchId: z.uuid(),
  /** True when this batch id was already stored: acknowledged, nothing stored again. */
  duplicate: z.boolean(),
  rounds: z.number().int().nonnegative(),
  certificates: z.number().int().nonnegative(),
});
export type ReportAck = z.infer<typeof reportAckSchema>;

/** `POST /api/v1/agents/enrol`: the one-time token is exchanged for the agent's own credential. */
export const enrolRequestSchema = z.object({
  token: z.string().min(20).max(200),
  hostname: z.string().min(1).max(253),
  version: z.string().min(1).max(40),
});
export type EnrolRequest = z.infer<typeof enrolRequestSchema>;

export const enrolResponseSchema = z.object({
  agentId: z.string(),
  /** Shown once; the console keeps only its hash. Sent as `Authorization: Bearer …`. */
  credential: z.string(),
});
export type EnrolResponse = z.infer<typeof enrolResponseSchema>;
