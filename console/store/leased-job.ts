import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.ts';
import { acquireLease, releaseLease } from './job-lease.ts';
import type { UnitOfWork } from './unit-of-work.ts';

/**
 * A periodic job that one replica runs at a time: each turn first takes (or renews) the job's
 * lease in the store, and a replica without it skips the turn. A turn never throws out of the
 * timer, and the next is scheduled only when this one is over, so turns never overlap.
 */
export type LeasedJob<T> = {
  /** Runs a turn now, then every interval. */
  start(): void;
  /** Stops the timer, waits for a turn in flight, and gives the lease up for another replica. */
  stop(): Promise<void>;
  /** One turn, when this replica holds (or takes) the lease. For tests and `start`. */
  runOnce(): Promise<{ ran: false } | ({ ran: true } & T)>;
};

/** This replica's name in the lease table. */
export function replicaName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function createLeasedJob<T extends object>({
  uow,
  lease,
  title,
  intervalMs,
  now,
  logger,
  holder = replicaName(),
  turn,
}: {
  uow: UnitOfWork;
  /** The lease's name, one per job. */
  lease: string;
  /** What the logs call it, e.g. "usage poll". */
  title: string;
  intervalMs: number;
  now: () => Date;
  logger: Logger;
  holder?: string;
  turn: () => Promise<T>;
}): LeasedJob<T> {
  // Held a little past the interval so the holder's own timer jitter never loses it; if the
  // holder dies, another replica takes over within one and a half intervals.
  const leaseMs = Math.round(intervalMs * 1.5);
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  let stopped = false;

  async function runOnce(): Promise<{ ran: false } | ({ ran: true } & T)> {
    if (!(await acquireLease(uow.db(), lease, holder, leaseMs, now()))) return { ran: false };
    return { ran: true, ...(await turn()) };
  }

  async function tick() {
    try {
      inFlight = runOnce();
      await inFlight;
    } catch (e) {
      logger.error(`${title} failed`, { err: (e as Error).message });
    } finally {
      inFlight = undefined;
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    }
  }

  return {
    runOnce,
    start() {
      if (timer || stopped) return;
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight?.catch(() => {});
      try {
        await releaseLease(uow.db(), lease, holder, now());
      } catch (e) {
        logger.warn(`${title} lease not released`, { err: (e as Error).message });
      }
    },
  };
}
