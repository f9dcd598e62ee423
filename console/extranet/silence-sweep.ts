import type { Logger } from '../logger.ts';
import { createLeasedJob, replicaName } from '../store/leased-job.ts';
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
  holder = replicaName(),
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
  const job = createLeasedJob({
    uow,
    title: 'link silence sweep',
    lease: silenceSweepLease,
    intervalMs,
    now,
    logger,
    holder,
    turn: async () => {
      const changes = await links.sweepSilence();
      if (changes.length) logger.info('links fell silent', { links: changes.length, first: changes[0]!.link });
      const prunedRounds = await links.pruneRounds(new Date(now().getTime() - roundsKeepMs));
      if (prunedRounds) logger.debug('old link rounds deleted', { rounds: prunedRounds });
      return { changes, prunedRounds };
    },
  });
  return {
    sweepOnce: job.runOnce,
    start() {
      logger.info('link silence sweep started', { intervalSeconds: intervalMs / 1000 });
      job.start();
    },
    stop: job.stop,
  };
}
