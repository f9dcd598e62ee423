import { Gauge, type Registry } from 'prom-client';
import { linkClasses } from '../../core/link-state.ts';
import type { Logger } from '../logger.ts';
import type { NetworkCounts } from './extranet-overview.ts';

const buckets = ['up', 'degraded', 'down', 'unknown', 'affected'] as const;

/**
 * The extranet's state as the overview counts it, read from the store at scrape time so every
 * replica reports the same figures. Labels are bounded: `class` is one of four levels and
 * `state` one of five buckets (never a link code: per-link series come from the agents).
 */
export function registerExtranetMetrics(
  registry: Registry,
  { links, logger }: { links: { counts(): Promise<NetworkCounts> }; logger?: Logger },
) {
  // One store read per scrape serves both gauges.
  let pending: Promise<NetworkCounts | null> | null = null;
  const read = () => {
    pending ??= links
      .counts()
      .catch((e: Error) => {
        logger?.warn('extranet metrics not collected', { err: e.message });
        return null;
      })
      .finally(() => setTimeout(() => (pending = null), 0));
    return pending;
  };

  const linksGauge: Gauge<'class' | 'state'> = new Gauge({
    name: 'govops_extranet_links',
    help: 'Extranet links per level and state; a link beneath a DOWN link counts once, as state="affected".',
    labelNames: ['class', 'state'],
    registers: [registry],
    async collect() {
      linksGauge.reset();
      const counts = await read();
      if (!counts) return;
      for (const c of linkClasses)
        for (const s of buckets) linksGauge.set({ class: c, state: s }, counts.byClass[c][s]);
    },
  });

  const incidentsGauge = new Gauge({
    name: 'govops_extranet_incidents',
    help: 'Extranet incidents: DOWN links with no DOWN link above them.',
    registers: [registry],
    async collect() {
      incidentsGauge.reset();
      const counts = await read();
      if (counts) incidentsGauge.set(counts.incidents);
    },
  });
}
