import type { Registry } from 'prom-client';
import { linkClasses } from '../../core/link-state.ts';
import type { Logger } from '../logger.ts';
import { readOncePerScrape, storeGauge } from '../metrics/store-gauge.ts';
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
  const read = readOncePerScrape(() => links.counts());

  storeGauge(registry, logger, {
    name: 'govops_extranet_links',
    help: 'Extranet links per level and state; a link beneath a DOWN link counts once, as state="affected".',
    labelNames: ['class', 'state'],
    async read(set) {
      const counts = await read();
      for (const c of linkClasses) for (const s of buckets) set({ class: c, state: s }, counts.byClass[c][s]);
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_extranet_incidents',
    help: 'Extranet incidents: DOWN links with no DOWN link above them.',
    labelNames: [],
    async read(set) {
      set({}, (await read()).incidents);
    },
  });
}
