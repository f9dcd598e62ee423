import type { LinkRound } from '../../core/contracts/agent.ts';
import { type LinkClass, linkClasses, linkStateAfterRound } from '../../core/link-state.ts';
import type { LinkRoundsTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { readClassOverrides, thresholdsByClass } from './link-thresholds.ts';
import {
  chunks,
  ensureStatuses,
  type LinkChangeRecord,
  type LinkStatusRecord,
  readStatuses,
  recordChanges,
  writeStatuses,
} from './link-tracking-store.ts';

/** What one batch of rounds did. */
export type RoundsRecorded = {
  /** Rounds stored now. */
  stored: number;
  /** Rounds stored before (a replayed batch or spool): acknowledged, nothing added. */
  duplicates: number;
  /** Rounds for links this agent does not measure (unknown, or assigned to another agent): dropped. */
  ignored: number;
  /** Up to 20 codes of those links, for the caller's log. */
  ignoredLinks: string[];
  /** State changes the batch caused, in time order per link. */
  changes: LinkChangeRecord[];
};

const ignoredShown = 20;

function roundRow(agentId: string, r: LinkRound, startedAt: string): LinkRoundsTable {
  return {
    link_code: r.targetId,
    started_at: startedAt,
    agent_id: agentId,
    sent: r.sent,
    received: r.received,
    loss_ratio: r.lossRatio,
    rtt_min_ms: r.rttMs?.min ?? null,
    rtt_avg_ms: r.rttMs?.avg ?? null,
    rtt_max_ms: r.rttMs?.max ?? null,
    rtt_mdev_ms: r.rttMs?.mdev ?? null,
    jitter_ms: r.jitterMs,
    http_status: r.httpStatus ?? null,
    phases: r.phasesMs ? JSON.stringify(r.phasesMs) : null,
    error: r.error ?? null,
  };
}

/**
 * Stores an agent's rounds and moves its links' state, inside the caller's transaction (the
 * report ingest's), in a fixed number of statements per batch: the links, the thresholds, the
 * missing status rows, the status rows (locked on PostgreSQL), the rounds, the new statuses and
 * the events. Rounds are keyed by link and start time, so a replay stores nothing and moves
 * nothing; each link's new rounds are applied oldest first, and a round older than the newest
 * one applied is kept but leaves the state alone.
 */
export function roundsRecorder({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  return function recordRounds(agentId: string, rounds: readonly LinkRound[]): Promise<RoundsRecorded> {
    return uow.inTransaction(async () => {
      const db = uow.db();
      const codes = [...new Set(rounds.map((r) => r.targetId))];
      const classOf = new Map<string, LinkClass>();
      for (const part of chunks(codes)) {
        const links = await db
          .selectFrom('links')
          .select(['code', 'link_class'])
          .where('code', 'in', part)
          .where('agent_id', '=', agentId)
          .execute();
        for (const l of links) classOf.set(l.code, linkClasses.find((c) => c === l.link_class) ?? 'department');
      }

      // One row per link and start time; the same instant written two ways is one round.
      const fresh = new Map<string, { round: LinkRound; row: LinkRoundsTable }>();
      const ignoredCodes = new Set<string>();
      let ignored = 0;
      for (const round of rounds) {
        if (!classOf.has(round.targetId)) {
          ignored++;
          ignoredCodes.add(round.targetId);
          continue;
        }
        const startedAt = new Date(round.startedAt).toISOString();
        const key = `${round.targetId}\u0000${startedAt}`;
        if (!fresh.has(key))
          fresh.set(key, { round: { ...round, startedAt }, row: roundRow(agentId, round, startedAt) });
      }
      const accepted = rounds.length - ignored;
      const outcome = (stored: number, changes: LinkChangeRecord[]): RoundsRecorded => ({
        stored,
        duplicates: accepted - stored,
        ignored,
        ignoredLinks: [...ignoredCodes].slice(0, ignoredShown),
        changes,
      });
      if (!fresh.size) return outcome(0, []);

      const inserted = new Set<string>();
      // Key order, so two replicas inserting overlapping batches wait for each other, never deadlock.
      const rows = [...fresh.keys()].sort().map((key) => fresh.get(key)!.row);
      for (const part of chunks(rows)) {
        const stored = await db
          .insertInto('link_rounds')
          .values(part)
          .onConflict((oc) => oc.columns(['link_code', 'started_at']).doNothing())
          .returning(['link_code', 'started_at'])
          .execute();
        for (const r of stored) inserted.add(`${r.link_code}\u0000${r.started_at}`);
      }
      const perLink = new Map<string, LinkRound[]>();
      for (const [key, { round }] of fresh) {
        if (!inserted.has(key)) continue;
        perLink.set(round.targetId, [...(perLink.get(round.targetId) ?? []), round]);
      }
      if (!perLink.size) return outcome(0, []);

      const moved = [...perLink.keys()];
      await ensureStatuses(uow, moved, now());
      const statuses = await readStatuses(uow, moved, { lock: true });
      const thresholds = thresholdsByClass(await readClassOverrides(uow));
      const changes: LinkChangeRecord[] = [];
      const written: LinkStatusRecord[] = [];
      for (const [code, linkRounds] of perLink) {
        const status = statuses.get(code)!;
        let { tracking, figures } = status;
        linkRounds.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
        for (const round of linkRounds) {
          const step = linkStateAfterRound(tracking, round, thresholds[classOf.get(code)!]);
          if (step.tracking.lastRoundAt !== tracking.lastRoundAt) {
            figures = {
              lossRatio: round.lossRatio,
              rttAvgMs: round.rttMs?.avg ?? null,
              jitterMs: round.jitterMs,
              error: round.error ?? null,
            };
          }
          tracking = step.tracking;
          if (step.change) {
            const { from, to, at, reasonCode } = step.change;
            changes.push({ link: code, from, to, at, reasonCode });
          }
        }
        if (tracking !== status.tracking) written.push({ code, tracking, figures });
      }
      await writeStatuses(uow, written);
      await recordChanges(uow, changes);
      return outcome(inserted.size, changes);
    });
  };
}
