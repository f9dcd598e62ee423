import type { Kysely } from 'kysely';
import {
  type LinkState,
  type LinkStateChange,
  type LinkTracking,
  initialLinkTracking,
  linkStates,
} from '../../core/link-state.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { LinkStatusTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/**
 * Link state as the store keeps it: one link_status row per link (the tracking core/link-state.ts
 * moves, plus the latest round's figures) and one link_events row per change. Every function
 * here reads or writes a whole batch in a few statements, whatever its size.
 */

/** The newest round's figures, shown beside the state. */
export type RoundFigures = {
  lossRatio: number | null;
  rttAvgMs: number | null;
  jitterMs: number | null;
  error: string | null;
};

export type LinkStatusRecord = { code: string; tracking: LinkTracking; figures: RoundFigures };

/** A change of one link's state, as link_events records it. */
export type LinkChangeRecord = { link: string } & Pick<LinkStateChange, 'from' | 'to' | 'at' | 'reasonCode'>;

// Rows per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const chunkSize = 400;

export function chunks<T>(items: readonly T[], size = chunkSize): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function asLinkState(value: string): LinkState {
  return linkStates.find((s) => s === value) ?? 'unknown';
}

/** A status row as tracking and figures. */
export function statusRecord(row: LinkStatusTable): LinkStatusRecord {
  return {
    code: row.link_code,
    tracking: {
      state: asLinkState(row.state),
      failedStreak: row.failed_streak,
      goodStreak: row.good_streak,
      since: row.since,
      lastRoundAt: row.last_round_at,
    },
    figures: { lossRatio: row.loss_ratio, rttAvgMs: row.rtt_avg_ms, jitterMs: row.jitter_ms, error: row.error },
  };
}

function statusRow({ code, tracking, figures }: LinkStatusRecord): LinkStatusTable {
  return {
    link_code: code,
    state: tracking.state,
    failed_streak: tracking.failedStreak,
    good_streak: tracking.goodStreak,
    since: tracking.since,
    last_round_at: tracking.lastRoundAt,
    loss_ratio: figures.lossRatio,
    rtt_avg_ms: figures.rttAvgMs,
    jitter_ms: figures.jitterMs,
    error: figures.error,
  };
}

const noFigures: RoundFigures = { lossRatio: null, rttAvgMs: null, jitterMs: null, error: null };

/** Status rows for links that have none yet: UNKNOWN since `at`. Existing rows are left alone. */
export async function ensureStatuses(uow: UnitOfWork, codes: readonly string[], at: Date): Promise<void> {
  const tracking = initialLinkTracking(at);
  // Key order, as readStatuses locks: concurrent inserts of the same new rows queue, never deadlock.
  for (const part of chunks([...codes].sort())) {
    await uow
      .db()
      .insertInto('link_status')
      .values(part.map((code) => statusRow({ code, tracking, figures: noFigures })))
      .onConflict((oc) => oc.column('link_code').doNothing())
      .execute();
  }
}

/**
 * The status rows of `codes`. With `lock`, PostgreSQL holds them until the transaction ends, in
 * code order so two replicas taking overlapping batches queue instead of deadlocking; SQLite
 * has one writer at a time already.
 */
export async function readStatuses(
  uow: UnitOfWork,
  codes: readonly string[],
  { lock }: { lock: boolean },
): Promise<Map<string, LinkStatusRecord>> {
  const locking = lock && dialectOf(uow.root as Kysely<unknown>) === 'postgres';
  const found = new Map<string, LinkStatusRecord>();
  for (const part of chunks([...codes].sort())) {
    const rows = await uow
      .db()
      .selectFrom('link_status')
      .selectAll()
      .where('link_code', 'in', part)
      .orderBy('link_code')
      .$if(locking, (q) => q.forUpdate())
      .execute();
    for (const r of rows) found.set(r.link_code, statusRecord(r));
  }
  return found;
}

/** Writes whole status rows, inserting those that are missing, one statement per chunk. */
export async function writeStatuses(uow: UnitOfWork, records: readonly LinkStatusRecord[]): Promise<void> {
  for (const part of chunks(records)) {
    await uow
      .db()
      .insertInto('link_status')
      .values(part.map(statusRow))
      .onConflict((oc) =>
        oc.column('link_code').doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          failed_streak: eb.ref('excluded.failed_streak'),
          good_streak: eb.ref('excluded.good_streak'),
          since: eb.ref('excluded.since'),
          last_round_at: eb.ref('excluded.last_round_at'),
          loss_ratio: eb.ref('excluded.loss_ratio'),
          rtt_avg_ms: eb.ref('excluded.rtt_avg_ms'),
          jitter_ms: eb.ref('excluded.jitter_ms'),
          error: eb.ref('excluded.error'),
        })),
      )
      .execute();
  }
}

/**
 * Records state changes. One link can change twice at one instant (the sweep marks it silent at
 * T, then a replayed round older than T is dated T too): the row at that instant keeps where
 * the link came from and takes where it went, the net change, as availability reads it.
 */
export async function recordChanges(uow: UnitOfWork, changes: readonly LinkChangeRecord[]): Promise<void> {
  const merged = new Map<string, LinkChangeRecord>();
  for (const c of changes) {
    const key = `${c.link}\u0000${c.at}`;
    const earlier = merged.get(key);
    merged.set(key, earlier ? { ...c, from: earlier.from } : c);
  }
  for (const part of chunks([...merged.values()])) {
    await uow
      .db()
      .insertInto('link_events')
      .values(
        part.map((c) => ({
          link_code: c.link,
          at: c.at,
          from_state: c.from,
          to_state: c.to,
          reason_code: c.reasonCode,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['link_code', 'at']).doUpdateSet((eb) => ({
          to_state: eb.ref('excluded.to_state'),
          reason_code: eb.ref('excluded.reason_code'),
        })),
      )
      .execute();
  }
}
