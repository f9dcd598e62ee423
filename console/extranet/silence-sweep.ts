import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logger.ts';
import { acquireLease, releaseLease } from '../store/job-lease.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { LinkChangeRecord } from './link-tracking-store.ts';

/**
 * The periodic turn that notices silent links (and deletes rounds past their retention). With
 * several replicas only the holder of the `link-silence-sweep` lease runs it, so each silence is
 * recorded once; the change is dated when the silence passed its limit, so a late or skipped
 * turn does not move availability.
 */

export const silenceSweepLease = 'link-silence-sweep';

export type SilenceSweep = {
  /** Sweeps now, then every interval. */
  start(): void;
  /** Stops the timer, waits for a turn in flight, and gives the lease up. */
  stop(): Promise<void>;
  /** One turn, when this replica holds (or takes) the lease. For tests and `start`. */
  sweepOnce(): Promise<SweepOutcome>;
};

export type SweepOutcome = { ran: false } | { ran: true; changes: LinkChangeRecord[]; prunedRounds: number };

export function createSilenceSweep({
  uow,
  links,
  intervalMs,
  roundsKeepMs,
  now = () => new Date(),
  logger,
  holder = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
}: {
  uow: UnitOfWork;
  links: { sweepSilence(): Promise<LinkChangeRecord[]>; pruneRounds(before: Date): Promise<number> };
  intervalMs: number;
  /** Rounds older than this are deleted. */
  roundsKeepMs: number;
  now?: () => Date;
  logger: Logger;
  holder?: string;
}): SilenceSweep {
  // As the usage poller: held past one interval so timer jitter never loses it.
  const leaseMs = Math.round(intervalMs * 1.5);
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  let stopped = false;

  async function sweepOnce(): Promise<SweepOutcome> {
    if (!(await acquireLease(uow.db(), silenceSweepLease, holder, leaseMs, now()))) return { ran: false };
    const changes = await links.sweepSilence();
    if (changes.length) logger.info('links fell silent', { links: changes.length, first: changes[0]!.link });
    const prunedRounds = await links.pruneRounds(new Date(now().getTime() - roundsKeepMs));
    if (prunedRounds) logger.debug('old link rounds deleted', { rounds: prunedRounds });
    return { ran: true, changes, prunedRounds };
  }

  async function tick() {
    try {
      inFlight = sweepOnce();
      await inFlight;
    } catch (e) {
      logger.error('link silence sweep failed', { err: (e as Error).message });
    } finally {
      inFlight = undefined;
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    }
  }

  return {
    sweepOnce,
    start() {
      if (timer || stopped) return;
      logger.info('link silence sweep started', { intervalSeconds: intervalMs / 1000 });
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight?.catch(() => {});
      try {
        await releaseLease(uow.db(), silenceSweepLease, holder, now());
      } catch (e) {
        logger.warn('link silence sweep lease not released', { err: (e as Error).message });
      }
    },
  };
}
