import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type LinkClass, linkClasses, linkStateAfterSilence } from '../../core/link-state.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { readClassOverrides, thresholdsByClass } from './link-thresholds.ts';
import {
  type LinkChangeRecord,
  type LinkStatusRecord,
  recordChanges,
  statusRecord,
  writeStatuses,
} from './link-tracking-store.ts';

/**
 * Silence and age: links whose agent stopped reporting become UNKNOWN, and rounds older than the
 * retention are deleted (their figures live on in Prometheus; state and events stay here).
 */
export function silenceKeeper({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  /** Seconds since the epoch of an ISO timestamp column, the same on both backends. */
  function epochOf(column: RawBuilder<unknown>): RawBuilder<number> {
    return dialectOf(uow.root as Kysely<unknown>) === 'postgres'
      ? sql<number>`extract(epoch from (${column})::timestamptz)`
      : sql<number>`((julianday(${column}) - 2440587.5) * 86400.0)`;
  }

  /**
   * Marks UNKNOWN every link with no round for its class's `unknownAfterIntervals` × its interval
   * (counted from its last round, or from when it became known when it never reported). One query
   * finds them, with their status rows locked on PostgreSQL so a round arriving meanwhile waits.
   */
  async function sweepSilence(): Promise<LinkChangeRecord[]> {
    return uow.inTransaction(async () => {
      const at = now();
      const thresholds = thresholdsByClass(await readClassOverrides(uow));
      const intervals = sql.join(
        linkClasses.map((c) => sql`when ${c} then ${sql.lit(thresholds[c].unknownAfterIntervals)}`),
        sql` `,
      );
      const limitSeconds = sql<number>`links.interval_seconds * (case links.link_class ${intervals} else ${sql.lit(thresholds.department.unknownAfterIntervals)} end)`;
      const lastSeen = epochOf(sql`coalesce(link_status.last_round_at, link_status.since)`);
      const postgres = dialectOf(uow.root as Kysely<unknown>) === 'postgres';
      const rows = await uow
        .db()
        .selectFrom('link_status')
        .innerJoin('links', 'links.code', 'link_status.link_code')
        .selectAll('link_status')
        .select(['links.link_class', 'links.interval_seconds'])
        .where('link_status.state', '<>', 'unknown')
        .where(sql<boolean>`${lastSeen} + ${limitSeconds} <= ${sql.lit(at.getTime() / 1000)}`)
        .orderBy('link_status.link_code')
        .$if(postgres, (q) => q.forUpdate('link_status'))
        .execute();
      const changes: LinkChangeRecord[] = [];
      const written: LinkStatusRecord[] = [];
      for (const row of rows) {
        const status = statusRecord(row);
        const linkClass: LinkClass = linkClasses.find((c) => c === row.link_class) ?? 'department';
        const step = linkStateAfterSilence(status.tracking, at, row.interval_seconds, thresholds[linkClass]);
        if (!step.change) continue;
        written.push({ ...status, tracking: step.tracking });
        const { from, to, at: changedAt, reasonCode } = step.change;
        changes.push({ link: status.code, from, to, at: changedAt, reasonCode });
      }
      await writeStatuses(uow, written);
      await recordChanges(uow, changes);
      return changes;
    });
  }

  /** Deletes rounds that started before `before`, link by link along the rounds' key. */
  async function pruneRounds(before: Date): Promise<number> {
    const result = await uow
      .db()
      .deleteFrom('link_rounds')
      .where('link_code', 'in', (eb) => eb.selectFrom('links').select('code'))
      .where('started_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  return { sweepSilence, pruneRounds };
}
