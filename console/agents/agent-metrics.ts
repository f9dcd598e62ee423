import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import { readOncePerScrape, storeGauge } from '../metrics/store-gauge.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/**
 * What the console knows of each enrolled agent, for the "agent silent" and "spool growing"
 * alerts: an agent that stopped reporting has no /metrics of its own to say so. Read from the
 * store at scrape time (every replica reports the same figures). Only agents holding a valid
 * credential have series: one waiting for enrolment has never reported, and a revoked one is
 * meant to be silent. Labels: the agent's name (unique, chosen by an operator, one per deployed
 * agent) and its site code.
 */
export function registerAgentMetrics(registry: Registry, { uow, logger }: { uow: UnitOfWork; logger?: Logger }) {
  const enrolled = readOncePerScrape(() =>
    uow
      .db()
      .selectFrom('agents')
      .select(['name', 'site_code', 'last_seen_at', 'spool_records'])
      .where('status', '=', 'active')
      .where('revoked_at', 'is', null)
      .execute(),
  );
  // An agent placed at no site has no `site` label rather than an empty one.
  const labelsOf = (a: { name: string; site_code: string | null }): Record<string, string> =>
    a.site_code ? { agent: a.name, site: a.site_code } : { agent: a.name };

  storeGauge(registry, logger, {
    name: 'govops_agent_last_seen_timestamp_seconds',
    help: 'When an enrolled agent last reached the console (Unix time, seconds): its latest report, configuration poll (every minute) or enrolment.',
    labelNames: ['agent', 'site'],
    async read(set) {
      for (const a of await enrolled()) {
        if (a.last_seen_at) set(labelsOf(a), Date.parse(a.last_seen_at) / 1000);
      }
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_agent_spool_records',
    help: 'Batches waiting in an enrolled agent’s spool (count), as the agent last reported them.',
    labelNames: ['agent', 'site'],
    async read(set) {
      for (const a of await enrolled()) set(labelsOf(a), Number(a.spool_records));
    },
  });
}
