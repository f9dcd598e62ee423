import { type Kysely, sql } from 'kysely';
import { algorithmFamilyOf } from '../../core/cert-windows.ts';
import type { CertificateObservation } from '../../core/contracts/agent.ts';
import type { CertificateSightingsTable, CertificatesTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { dialectOf } from '../store/dialect-of.ts';
import { commonNameOf } from './common-name.ts';

/** What one batch changed: distinct certificates and distinct sightings written. */
export type RecordedObservations = { certificates: number; sightings: number };

// A batch holds at most 500 observations (the contract's bound); 21 columns × 500 rows stays well
// under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters, so one statement per table.
const rowsPerStatement = 500;

/** ISO-8601 in one shape (milliseconds, Z), so text comparison in SQL is time order on both backends. */
const iso = (text: string) => new Date(text).toISOString();

/**
 * Stores a batch of agents' observations in the caller's transaction: one row per certificate
 * (by fingerprint, whoever saw it) and one per place it was seen — one lookup and two or three
 * bulk upserts per batch, whatever its size. A certificate that any source calls personal stays
 * personal and never keeps a subject or common name, even if an agent sent one. Out-of-order
 * batches (a spool drained late) cannot move `last_seen_at` back or replace a newer chain verdict
 * with an older one.
 */
export function createObservationRecorder({ uow }: { uow: UnitOfWork }) {
  return async function recordObservations(
    agentId: string,
    observations: readonly CertificateObservation[],
  ): Promise<RecordedObservations> {
    if (observations.length === 0) return { certificates: 0, sightings: 0 };
    // A source that names no department reports for the department of the agent's site.
    const agent = await uow
      .db()
      .selectFrom('agents')
      .select('department_code')
      .where('id', '=', agentId)
      .executeTakeFirst();
    // Rows in key order, and on PostgreSQL the certificates already known locked first in that
    // order: two batches sharing CA certificates (listed in different orders by different
    // sources) then wait for each other instead of deadlocking.
    const certificates = certificateRows(observations, agent?.department_code ?? null).sort((a, b) =>
      a.row.fingerprint < b.row.fingerprint ? -1 : 1,
    );
    const sightings = sightingRows(agentId, observations).sort((a, b) => (sightingKey(a) < sightingKey(b) ? -1 : 1));
    if (dialectOf(uow.root as Kysely<unknown>) === 'postgres') {
      await uow
        .db()
        .selectFrom('certificates')
        .select('fingerprint')
        .where(
          'fingerprint',
          'in',
          certificates.map((c) => c.row.fingerprint),
        )
        .orderBy('fingerprint')
        .forUpdate()
        .execute();
    }

    // Two statements at most: rows whose source names their department, and rows that only
    // borrow the agent's (which fills a gap but never moves a certificate another source placed).
    for (const explicit of [true, false]) {
      const rows = certificates.filter((c) => c.explicitDepartment === explicit).map((c) => c.row);
      for (const chunk of chunks(rows, rowsPerStatement)) await upsertCertificates(chunk, explicit);
    }
    for (const chunk of chunks(sightings, rowsPerStatement)) await upsertSightings(chunk);
    return { certificates: certificates.length, sightings: sightings.length };
  };

  async function upsertSightings(rows: CertificateSightingsTable[]) {
    const newer = sql<boolean>`excluded.last_seen_at >= certificate_sightings.last_seen_at`;
    const latest = (column: 'position' | 'chain_verified' | 'chain_problems' | 'last_seen_at') =>
      sql<never>`case when ${newer} then ${sql.ref(`excluded.${column}`)} else ${sql.ref(`certificate_sightings.${column}`)} end`;
    await uow
      .db()
      .insertInto('certificate_sightings')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['fingerprint', 'agent_id', 'source_id', 'location']).doUpdateSet({
          position: latest('position'),
          chain_verified: latest('chain_verified'),
          chain_problems: latest('chain_problems'),
          last_seen_at: latest('last_seen_at'),
        }),
      )
      .execute();
  }

  async function upsertCertificates(rows: CertificatesTable[], explicitDepartment: boolean) {
    const newer = sql<boolean>`excluded.last_seen_at >= certificates.last_seen_at`;
    const personal = sql<boolean>`(certificates.personal = 1 or excluded.personal = 1)`;
    await uow
      .db()
      .insertInto('certificates')
      .values(rows)
      .onConflict((oc) =>
        oc.column('fingerprint').doUpdateSet({
          personal: sql<number>`case when ${personal} then 1 else 0 end`,
          subject: sql<string | null>`case when ${personal} then null else excluded.subject end`,
          common_name: sql<string | null>`case when ${personal} then null else excluded.common_name end`,
          department_code: explicitDepartment
            ? sql<string | null>`coalesce(case when ${newer} then excluded.department_code end,
                certificates.department_code, excluded.department_code)`
            : sql<string | null>`coalesce(certificates.department_code, excluded.department_code)`,
          chain_verified: sql<number>`case when ${newer} then excluded.chain_verified else certificates.chain_verified end`,
          chain_problems: sql<string>`case when ${newer} then excluded.chain_problems else certificates.chain_problems end`,
          first_seen_at: sql<string>`case when excluded.first_seen_at < certificates.first_seen_at
            then excluded.first_seen_at else certificates.first_seen_at end`,
          last_seen_at: sql<string>`case when ${newer} then excluded.last_seen_at else certificates.last_seen_at end`,
        }),
      )
      .execute();
  }
}

/** Whether `a` should stand for its key over `b`: the later sighting, then the one nearer the leaf. */
function supersedes(a: CertificateObservation, b: CertificateObservation): boolean {
  const [at, bt] = [Date.parse(a.observedAt), Date.parse(b.observedAt)];
  return at !== bt ? at > bt : a.position < b.position;
}

/**
 * One row per fingerprint: an upsert may not touch the same row twice in one statement
 * (PostgreSQL refuses), and a CA certificate is seen in many chains of one batch.
 */
function certificateRows(observations: readonly CertificateObservation[], agentDepartment: string | null) {
  type Seen = { latest: CertificateObservation; named?: CertificateObservation; personal: boolean; first: string };
  const byFingerprint = new Map<string, Seen>();
  for (const o of observations) {
    const seen = byFingerprint.get(o.fingerprintSha256);
    if (!seen) {
      const first = iso(o.observedAt);
      byFingerprint.set(o.fingerprintSha256, {
        latest: o,
        personal: o.personal,
        first,
        ...(o.department ? { named: o } : {}),
      });
      continue;
    }
    seen.personal ||= o.personal;
    if (iso(o.observedAt) < seen.first) seen.first = iso(o.observedAt);
    if (supersedes(o, seen.latest)) seen.latest = o;
    if (o.department && (!seen.named || supersedes(o, seen.named))) seen.named = o;
  }
  return [...byFingerprint.values()].map(({ latest: o, named, personal, first }) => {
    // The agent redacts personal subjects; the console does not rely on it.
    const subject = personal ? null : o.subject;
    const row: CertificatesTable = {
      fingerprint: o.fingerprintSha256,
      subject,
      common_name: personal ? null : commonNameOf(subject),
      issuer: o.issuer,
      serial: o.serial,
      not_before: iso(o.notBefore),
      not_after: iso(o.notAfter),
      key_algorithm: o.keyAlgorithm,
      key_size: o.keySize ?? null,
      curve: o.curve ?? null,
      signature_algorithm: o.signatureAlgorithm,
      algorithm_family: algorithmFamilyOf(o),
      sans: JSON.stringify(o.sans),
      is_ca: o.isCa ? 1 : 0,
      personal: personal ? 1 : 0,
      department_code: named?.department ?? agentDepartment,
      chain_verified: o.chainVerified ? 1 : 0,
      chain_problems: JSON.stringify(o.chainProblems),
      first_seen_at: first,
      last_seen_at: iso(o.observedAt),
    };
    return { row, explicitDepartment: named !== undefined };
  });
}

/** One row per (fingerprint, source, location) of this agent, the latest sighting of each. */
function sightingRows(agentId: string, observations: readonly CertificateObservation[]) {
  const byPlace = new Map<string, CertificateObservation>();
  for (const o of observations) {
    const key = JSON.stringify([o.fingerprintSha256, o.sourceId, o.location]);
    const seen = byPlace.get(key);
    if (!seen || supersedes(o, seen)) byPlace.set(key, o);
  }
  return [...byPlace.values()].map((o): CertificateSightingsTable => ({
    fingerprint: o.fingerprintSha256,
    agent_id: agentId,
    source_id: o.sourceId,
    location: o.location,
    position: o.position,
    chain_verified: o.chainVerified ? 1 : 0,
    chain_problems: JSON.stringify(o.chainProblems),
    last_seen_at: iso(o.observedAt),
  }));
}

const sightingKey = (r: CertificateSightingsTable) =>
  `${r.fingerprint}\u0000${r.agent_id}\u0000${r.source_id}\u0000${r.location}`;

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
