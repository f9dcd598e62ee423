import type { Logger } from '../logger.ts';
import { createLeasedJob, replicaName } from '../store/leased-job.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { SiteReader, ClusterReading } from './kube-client.ts';
import { recordSiteReading } from './observations.ts';

/**
 * Reads every configured site's Kubernetes API on a fixed interval and records what it found.
 * With several replicas, only the one holding the `usage-poll` lease reads: the others' turns
 * are skipped, so each site is read once per interval however many replicas run. A poll never
 * throws out of the timer: a site that fails is recorded with its status, anything else is logged.
 */

export const usagePollLease = 'usage-poll';

export type UsagePoller = {
  /** Checks the configured sites, polls once now, then every interval. */
  start(): void;
  /** Stops the timer, waits for a poll in flight, and gives the lease up for another replica. */
  stop(): Promise<void>;
  /** One turn: polls when this replica holds (or takes) the lease. For tests and `start`. */
  pollOnce(): Promise<PollOutcome>;
};

export type PollOutcome =
  { ran: false } | { ran: true; sites: { site: string; status: ClusterReading['status'] | 'not_recorded' }[] };

export function createUsagePoller({
  uow,
  reader,
  siteContexts,
  intervalMs,
  now = () => new Date(),
  logger,
  holder = replicaName(),
}: {
  uow: UnitOfWork;
  reader: SiteReader;
  /** Site code → kubeconfig context. */
  siteContexts: Readonly<Record<string, string>>;
  intervalMs: number;
  now?: () => Date;
  logger: Logger;
  /** This replica's name in the lease table. */
  holder?: string;
}): UsagePoller {
  let reportedUnknown = false;

  /** Configured sites the store knows; the others are reported once and skipped. */
  async function knownSites(): Promise<string[]> {
    const configured = Object.keys(siteContexts);
    if (!configured.length) return [];
    const rows = await uow.db().selectFrom('sites').select('code').where('code', 'in', configured).execute();
    const known = new Set(rows.map((r) => r.code));
    const unknown = configured.filter((s) => !known.has(s));
    if (unknown.length && !reportedUnknown) {
      reportedUnknown = true;
      logger.warn('KUBE_SITE_CONTEXTS names sites the console does not know; they are not read', { sites: unknown });
    }
    return configured.filter((s) => known.has(s));
  }

  async function ledgerNamespaces(site: string): Promise<Set<string>> {
    const rows = await uow.db().selectFrom('quotas').select('namespace').where('site_code', '=', site).execute();
    return new Set(rows.map((r) => r.namespace));
  }

  async function pollSite(site: string): Promise<{ site: string; status: ClusterReading['status'] | 'not_recorded' }> {
    try {
      const reading = await reader(siteContexts[site]!, await ledgerNamespaces(site));
      await recordSiteReading(uow, site, reading, now());
      if (reading.status === 'ok') {
        logger.debug('site usage read', { site, namespaces: new Set(reading.quotas.map((q) => q.namespace)).size });
        if (reading.notes.length) logger.info('site usage read with notes', { site, notes: reading.notes.slice(0, 5) });
      } else {
        logger.warn('site usage read failed', { site, status: reading.status, message: reading.message });
      }
      return { site, status: reading.status };
    } catch (e) {
      // The reader never throws: this is the store. The site's previous record stays as it was.
      logger.error('site usage not recorded', { site, err: (e as Error).message });
      return { site, status: 'not_recorded' };
    }
  }

  const job = createLeasedJob({
    uow,
    title: 'usage poll',
    lease: usagePollLease,
    intervalMs,
    now,
    logger,
    holder,
    turn: async () => ({ sites: await Promise.all((await knownSites()).map(pollSite)) }),
  });

  return {
    pollOnce: job.runOnce,
    start() {
      logger.info('usage read-back started', { sites: Object.keys(siteContexts), intervalSeconds: intervalMs / 1000 });
      // Every replica reports unknown site codes at start, not only the one that gets the lease.
      knownSites().catch((e: Error) => logger.warn('configured sites not checked', { err: e.message }));
      job.start();
    },
    stop: job.stop,
  };
}
