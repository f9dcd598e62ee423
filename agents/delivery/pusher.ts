import { setTimeout as delay } from 'node:timers/promises';
import type { ReportAck } from '../../core/contracts/agent.ts';
import type { ConsoleClient, PushOutcome } from './console-client.ts';
import type { Logger } from '../logger.ts';
import { splitBatch, withoutUnowned } from './split-batch.ts';
import type { Spool, SpooledBatch } from './spool.ts';

/**
 * Drains the spool to the console, oldest batch first, one batch in flight at a time, so the
 * console receives results in the order they were measured. A batch leaves the spool only when
 * the console acknowledged it (a replay it had stored is acknowledged as a duplicate) or refused
 * it for good (400, 403: counted and logged, since retrying could never succeed). While the
 * console is away it retries with capped exponential backoff and jitter; when the credential is
 * revoked (401) it stops pushing, and the spool goes on filling until the agent is re-enrolled.
 */

export type PusherState = 'stopped' | 'idle' | 'pushing' | 'waiting_to_retry' | 'unauthorised';

export type PusherStats = {
  state: PusherState;
  lastSuccessfulPushAt: Date | null;
  pushedTotal: number;
  /** Acknowledged as already stored: replays after a lost answer or a crash. */
  duplicateTotal: number;
  rejectedTotal: number;
  consecutiveFailures: number;
  lastFailure: string | null;
};

export type PushedBatch = { batchId: string; rounds: number; certificates: number; duplicate: boolean; at: Date };
export type RejectedBatch = { batchId: string; status: number; code: string };

export type Pusher = {
  start(): void;
  /** Stops after the batch in flight (bounded by the client's timeout) is settled. */
  stop(): Promise<void>;
  stats(): PusherStats;
};

export function createPusher({
  spool,
  client,
  now,
  logger,
  onPushed,
  onRejected,
  backoff = { initialMs: 1000, maxMs: 60_000 },
  random = Math.random,
  sleep = (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
}: {
  spool: Pick<Spool, 'peek' | 'ack' | 'stats' | 'onAppend'>;
  client: Pick<ConsoleClient, 'postReport'>;
  now: () => Date;
  logger: Logger;
  /** For metrics: the console acknowledged a batch, or refused one for good. */
  onPushed?: (pushed: PushedBatch) => void;
  onRejected?: (rejected: RejectedBatch) => void;
  backoff?: { initialMs: number; maxMs: number };
  random?: () => number;
  /** Resolves after `ms` or as soon as `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}): Pusher {
  const stats: PusherStats = {
    state: 'stopped',
    lastSuccessfulPushAt: null,
    pushedTotal: 0,
    duplicateTotal: 0,
    rejectedTotal: 0,
    consecutiveFailures: 0,
    lastFailure: null,
  };
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;

  /** Sends one batch; halves it (recursively) when the console says it is too large. */
  async function send(batch: SpooledBatch): Promise<PushOutcome> {
    const { records, bytes, droppedTotal } = spool.stats();
    const outcome = await client.postReport({
      ...batch,
      sentAt: now().toISOString(),
      spool: { records, bytes, droppedTotal },
    });
    if (outcome.kind === 'rejected' && outcome.unownedTargets?.length) {
      const rest = withoutUnowned(batch, outcome.unownedTargets);
      if (!rest) return outcome;
      logger.warn('the console refused rounds of links this agent does not own; sending the rest', {
        batchId: batch.batchId,
        refusedRounds: batch.rounds.length - rest.rounds.length,
        unowned: outcome.unownedTargets.slice(0, 20),
      });
      onRejected?.({ batchId: batch.batchId, status: outcome.status, code: outcome.code });
      return send(rest);
    }
    if (outcome.kind !== 'too_large') return outcome;
    const halves = splitBatch(batch);
    if (!halves) return { kind: 'rejected', status: 413, code: 'too_large', message: 'one result alone is too large' };
    logger.warn('the console found a batch too large; sending it in halves', { batchId: batch.batchId });
    const acks: ReportAck[] = [];
    for (const half of halves) {
      const part = await send(half);
      // A half refused or failed decides for the whole batch; halves already stored come back
      // as duplicates when it is sent again, since their ids are derived, not random.
      if (part.kind !== 'acked') return part;
      acks.push(part.ack);
    }
    const sum = (key: 'rounds' | 'certificates') => acks.reduce((n, a) => n + a[key], 0);
    const duplicate = acks.every((a) => a.duplicate);
    return {
      kind: 'acked',
      ack: { batchId: batch.batchId, duplicate, rounds: sum('rounds'), certificates: sum('certificates') },
    };
  }

  /** Resolves on the next append, or at once if records are waiting or the pusher is stopping. */
  function nextAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        off();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const off = spool.onAppend(done);
      signal.addEventListener('abort', done);
      if (signal.aborted || spool.stats().records > 0) done();
    });
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let outcome: PushOutcome;
      let batch: SpooledBatch | undefined;
      try {
        const record = await spool.peek();
        if (!record) {
          stats.state = 'idle';
          await nextAppend(signal);
          continue;
        }
        batch = record.batch;
        stats.state = 'pushing';
        outcome = await send(batch);
        if (outcome.kind === 'acked' || outcome.kind === 'rejected') await spool.ack(record.position);
      } catch (error) {
        // The spool failed to read or to move its cursor (disk trouble): the batch stays, try later.
        outcome = { kind: 'retry', reason: `spool: ${(error as Error).message}` };
      }

      if (outcome.kind === 'acked' && batch) {
        const { ack } = outcome;
        if (stats.consecutiveFailures > 0) {
          logger.info('the console is reachable again; delivering the spool', { failures: stats.consecutiveFailures });
        }
        stats.consecutiveFailures = 0;
        stats.lastSuccessfulPushAt = now();
        stats.pushedTotal++;
        if (ack.duplicate) stats.duplicateTotal++;
        onPushed?.({ ...ack, at: stats.lastSuccessfulPushAt });
      } else if (outcome.kind === 'rejected' && batch) {
        stats.consecutiveFailures = 0;
        stats.rejectedTotal++;
        logger.error('the console refused a batch for good; it is dropped', {
          batchId: batch.batchId,
          status: outcome.status,
          code: outcome.code,
          message: outcome.message,
          rounds: batch.rounds.length,
          certificates: batch.certificates.length,
        });
        onRejected?.({ batchId: batch.batchId, status: outcome.status, code: outcome.code });
      } else if (outcome.kind === 'unauthorised') {
        stats.state = 'unauthorised';
        logger.error(
          'the console no longer accepts this agent credential: pushing stopped, results stay spooled; re-enrol the agent',
          {
            message: outcome.message,
            spooled: spool.stats().records,
          },
        );
        return;
      } else if (outcome.kind === 'retry') {
        stats.consecutiveFailures++;
        stats.lastFailure = outcome.reason;
        const wait = Math.min(
          backoff.maxMs,
          Math.max(retryDelayMs(stats.consecutiveFailures, backoff, random), outcome.retryAfterMs ?? 0),
        );
        // The first failure and every tenth: a console away for an hour is one story, not sixty.
        if (stats.consecutiveFailures === 1 || stats.consecutiveFailures % 10 === 0) {
          logger.warn('cannot deliver to the console; results stay spooled', {
            reason: outcome.reason,
            failures: stats.consecutiveFailures,
            retryInMs: wait,
            spooled: spool.stats().records,
          });
        }
        stats.state = 'waiting_to_retry';
        await sleep(wait, signal);
      }
    }
  }

  return {
    start() {
      if (loop) return;
      controller = new AbortController();
      loop = run(controller.signal)
        .catch((error: unknown) => {
          logger.error('the pusher stopped on an unexpected error', { error: (error as Error).message });
        })
        .finally(() => {
          loop = undefined;
          if (stats.state !== 'unauthorised') stats.state = 'stopped';
        });
    },
    async stop() {
      controller?.abort();
      await loop;
    },
    stats: () => ({ ...stats }),
  };
}

/**
 * How long the pusher waits before trying the console again after `failures` failures in a row:
 * doubling from `initialMs` up to `maxMs`, then a random point in the upper half of that, so a
 * province's worth of agents that lost the console together do not come back in step. The lower
 * half is left out so a retry is never almost immediate.
 */
export function retryDelayMs(
  failures: number,
  { initialMs, maxMs }: { initialMs: number; maxMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
