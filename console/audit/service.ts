import type { Kysely } from 'kysely';
import {
  type AuditFields,
  auditHash,
  type ChainBreak,
  chainStart,
  isBreak,
  verifyEnd,
  verifyNext,
} from '../../core/audit-chain.ts';
import { contains } from '../store/contains.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { AuditLogTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

export type AuditEntry = {
  actor: string;
  role: string;
  action: string;
  target: string;
  outcome: AuditLogTable['outcome'];
  source: string;
  detail?: Record<string, unknown>;
};

export type AuditRecord = AuditFields & { outcome: AuditLogTable['outcome']; prevHash: string; hash: string };

export type AuditFilter = {
  actor?: string;
  action?: string;
  outcome?: AuditLogTable['outcome'];
  from?: string;
  to?: string;
  /** Records older than this sequence number (keyset pagination, newest first). */
  before?: number;
  limit?: number;
};

export type VerifyResult = { ok: true; count: number } | ({ ok: false; count: number } & ChainBreak);

export type AuditService = ReturnType<typeof createAuditService>;

/** The append-only, hash-chained audit log (MLPS level 3: time, user, event, outcome). */
export function createAuditService({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  // FOR UPDATE serialises appends across replicas on PostgreSQL; SQLite has one writer anyway.
  const locksRows = dialectOf(uow.root as Kysely<unknown>) === 'postgres';
  return {
    /** Appends one record, extending the chain under the head row's lock. */
    async append(entry: AuditEntry): Promise<number> {
      return uow.inTransaction(async () => {
        const db = uow.db();
        let headQuery = db.selectFrom('audit_head').selectAll().where('id', '=', 1);
        if (locksRows) headQuery = headQuery.forUpdate();
        const head = await headQuery.executeTakeFirstOrThrow();
        const fields: AuditFields = {
          seq: Number(head.seq) + 1,
          at: now().toISOString(),
          actor: capped(entry.actor, 128),
          role: capped(entry.role, 64),
          action: capped(entry.action, 128),
          target: capped(entry.target, 512),
          outcome: entry.outcome,
          source: capped(entry.source, 128),
          detail: capped(JSON.stringify(entry.detail ?? {}), 8192),
        };
        const hash = auditHash(head.hash, fields);
        await db
          .insertInto('audit_log')
          .values({ ...fields, outcome: entry.outcome, prev_hash: head.hash, hash })
          .execute();
        await db.updateTable('audit_head').set({ seq: fields.seq, hash }).where('id', '=', 1).execute();
        return fields.seq;
      });
    },

    /** Records matching a filter, newest first. */
    async list(f: AuditFilter): Promise<AuditRecord[]> {
      let q = uow.db().selectFrom('audit_log').selectAll();
      if (f.actor) q = q.where('actor', '=', f.actor);
      if (f.action) q = q.where(contains('action', f.action));
      if (f.outcome) q = q.where('outcome', '=', f.outcome);
      if (f.from) q = q.where('at', '>=', f.from);
      if (f.to) q = q.where('at', '<', f.to);
      if (f.before) q = q.where('seq', '<', f.before);
      const rows = await q
        .orderBy('seq', 'desc')
        .limit(f.limit ?? 50)
        .execute();
      return rows.map(toRecord);
    },

    /** Walks the whole chain in order and names the first broken record. */
    async verify(): Promise<VerifyResult> {
      const db = uow.db();
      let state = chainStart();
      const page = 2000;
      for (;;) {
        const rows = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '>=', state.expectedSeq)
          .orderBy('seq')
          .limit(page)
          .execute();
        for (const row of rows) {
          const next = verifyNext(state, toRecord(row));
          if (isBreak(next)) return { ok: false, count: state.count, ...next };
          state = next;
        }
        if (rows.length < page) break;
      }
      const head = await db
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const end = verifyEnd(state, { seq: Number(head.seq), hash: head.hash });
      return end ? { ok: false, count: state.count, ...end } : { ok: true, count: state.count };
    },
  };
}

/**
 * Caps a field's length: anyone can cause a record (a failed sign-in with a huge username), and
 * the log is never trimmed, so no request may make a record arbitrarily large.
 */
function capped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function toRecord(row: AuditLogTable): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    role: row.role,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    source: row.source,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
