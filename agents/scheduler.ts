import type { LinkRound, ProbeKind, Target } from '../core/contracts/agent.ts';
import { sameEntry } from './config/effective.ts';
import type { Logger } from './logger.ts';

/**
 * Runs every target's round on its interval. Targets of one kind and interval are measured
 * together (one fping for many ICMP targets), but split into a few slots spread over the first
 * minute of the interval, so 500 targets neither fire in one burst nor start 500 processes. A
 * target's slot comes from a hash of its id: stable across restarts and configuration changes.
 *
 * A target is never in two rounds at once: when its previous round is still running, it sits out
 * that turn. A new target list is applied in place; a round of a target that was removed or
 * changed while in flight is discarded, so no result (or metric series) outlives its definition.
 */

export type RoundRunner = (kind: ProbeKind, targets: Target[]) => Promise<LinkRound[]>;

export type Scheduler = {
  apply(targets: readonly Target[]): void;
  /** Stops starting rounds; waits up to `graceMs` for rounds in flight, whose results are still delivered. */
  stop(graceMs?: number): Promise<void>;
};

type Batch = { kind: ProbeKind; intervalMs: number; targets: Target[]; epoch: number; timer?: NodeJS.Timeout };

export function createScheduler({
  runRound,
  onRound,
  onRunError,
  logger,
  now = () => new Date(),
  maxSlots = 10,
  maxSpreadMs = 60_000,
  seed = '',
}: {
  runRound: RoundRunner;
  onRound: (round: LinkRound) => void;
  /** A round that could not run at all (fping missing): an agent fault, not loss on the link. */
  onRunError?: (kind: ProbeKind, error: unknown) => void;
  logger: Logger;
  now?: () => Date;
  /** Slots per kind and interval; fewer slots mean bigger batches. */
  maxSlots?: number;
  /** Slots are spread over at most this much of the interval, so a new target is measured soon. */
  maxSpreadMs?: number;
  /** Mixed into the slot hash (the agent's id), so agents sharing target ids do not fire in step. */
  seed?: string;
}): Scheduler {
  const batches = new Map<string, Batch>();
  let current = new Map<string, Target>();
  const inFlight = new Set<string>();
  const rounds = new Set<Promise<void>>();
  let starting = true;
  let delivering = true;

  function slotOf(target: Target): { key: string; offsetMs: number } {
    const intervalMs = target.intervalSeconds * 1000;
    const slots = Math.max(1, Math.min(maxSlots, target.intervalSeconds));
    const slot = fnv1a(`${seed}/${target.id}`) % slots;
    const spreadMs = Math.min(intervalMs, maxSpreadMs);
    return { key: `${target.kind}/${target.intervalSeconds}/${slot}`, offsetMs: Math.floor((slot * spreadMs) / slots) };
  }

  function scheduleAt(batch: Batch, at: number) {
    if (!starting) return;
    batch.timer = setTimeout(() => turn(batch), Math.max(0, at - now().getTime()));
  }

  function turn(batch: Batch) {
    // The next point on this batch's grid strictly after now: turns missed while the process
    // stalled (or the clock stepped) are skipped, not bunched; a slow round delays nothing else.
    const t = now().getTime();
    scheduleAt(batch, batch.epoch + (Math.floor((t - batch.epoch) / batch.intervalMs) + 1) * batch.intervalMs);
    const due = batch.targets.filter((target) => !inFlight.has(target.id));
    if (due.length < batch.targets.length) {
      logger.warn('previous round still running; those targets sit this turn out', {
        kind: batch.kind,
        skipped: batch.targets.length - due.length,
      });
    }
    if (due.length) run(batch.kind, due);
  }

  function run(kind: ProbeKind, targets: Target[]) {
    for (const t of targets) inFlight.add(t.id);
    const round = runRound(kind, targets)
      .then((results) => {
        for (const result of results) deliver(result, targets);
      })
      .catch((error: unknown) => {
        logger.error('probe round could not run', { kind, targets: targets.length, error: String(error) });
        onRunError?.(kind, error);
      })
      .finally(() => {
        for (const t of targets) inFlight.delete(t.id);
        rounds.delete(round);
      });
    rounds.add(round);
  }

  function deliver(result: LinkRound, measured: readonly Target[]) {
    if (!delivering) return;
    const definition = measured.find((t) => t.id === result.targetId);
    const live = current.get(result.targetId);
    // Removed or redefined while the round ran: the result describes a target that no longer exists.
    if (!definition || !live || !sameEntry(definition, live)) return;
    try {
      onRound(result);
    } catch (error) {
      logger.error('handling a round failed', { target: result.targetId, error: String(error) });
    }
  }

  return {
    apply(targets) {
      current = new Map(targets.map((t) => [t.id, t]));
      const wanted = new Map<string, { offsetMs: number; targets: Target[] }>();
      for (const target of current.values()) {
        const { key, offsetMs } = slotOf(target);
        const entry = wanted.get(key) ?? { offsetMs, targets: [] };
        entry.targets.push(target);
        wanted.set(key, entry);
      }
      for (const [key, batch] of batches) {
        if (wanted.has(key)) continue;
        clearTimeout(batch.timer);
        batches.delete(key);
      }
      for (const [key, { offsetMs, targets: members }] of wanted) {
        const existing = batches.get(key);
        if (existing) {
          existing.targets = members; // keeps its grid; the next turn measures the new definitions
          continue;
        }
        const [first] = members;
        const batch: Batch = {
          kind: first!.kind,
          intervalMs: first!.intervalSeconds * 1000,
          targets: members,
          epoch: now().getTime() + offsetMs,
        };
        batches.set(key, batch);
        scheduleAt(batch, batch.epoch);
      }
    },
    async stop(graceMs = 10_000) {
      starting = false;
      for (const batch of batches.values()) clearTimeout(batch.timer);
      batches.clear();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled([...rounds]), grace]);
      clearTimeout(timer);
      // A round still running past the grace period is abandoned; its late result goes nowhere.
      delivering = false;
    },
  };
}

/** FNV-1a, 32 bits: a cheap, stable spread of ids over slots (not for security). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
