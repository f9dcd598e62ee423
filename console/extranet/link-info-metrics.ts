import type { Registry } from 'prom-client';
import { linkLineages } from '../../core/link-lineage.ts';
import { linkClasses } from '../../core/link-state.ts';
import type { Logger } from '../logger.ts';
import { readOncePerScrape, storeGauge } from '../metrics/store-gauge.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { readClassOverrides, thresholdsByClass } from './link-thresholds.ts';

/**
 * What alert rules and Alertmanager need to know about links and cannot read from the agents:
 * where each link sits in the tree (for inhibiting alerts beneath a DOWN upstream link) and the
 * DEGRADED thresholds in force per class. Read from the store at scrape time; the link info is
 * one query for the whole tree (3,317 links in the demo). Labels are link and region codes and
 * the four classes: never a department's or a person's name.
 */
export function registerLinkInfoMetrics(registry: Registry, { uow, logger }: { uow: UnitOfWork; logger?: Logger }) {
  storeGauge(registry, logger, {
    name: 'govops_extranet_link_info',
    help:
      'Always 1, one series per extranet link: target is the link code (as on the agents’ probe series), ' +
      'class its level, city its city’s region code, and backbone_link/city_link/county_link the links on its path.',
    labelNames: ['target', 'class', 'city', 'backbone_link', 'city_link', 'county_link'],
    async read(set) {
      const rows = await uow
        .db()
        .selectFrom('links')
        .leftJoin('regions as own', 'own.code', 'links.region_code')
        .leftJoin('regions as above', 'above.code', 'own.parent_code')
        .select([
          'links.code',
          'links.parent_code',
          'links.link_class',
          'own.code as region',
          'own.kind as region_kind',
          'above.code as above_region',
          'above.kind as above_kind',
        ])
        .execute();
      // Regions nest province → city → county, so a link's city is its region or that region's parent.
      const lineages = linkLineages(
        rows.map((r) => ({
          code: r.code,
          parentCode: r.parent_code,
          linkClass: r.link_class,
          city: r.region_kind === 'city' ? r.region : r.above_kind === 'city' ? r.above_region : null,
        })),
      );
      for (const [target, lineage] of lineages) set({ target, ...lineage }, 1);
    },
  });

  const thresholds = readOncePerScrape(async () => thresholdsByClass(await readClassOverrides(uow)));
  storeGauge(registry, logger, {
    name: 'govops_extranet_link_loss_ratio_threshold',
    help: 'Packet loss (0–1) above which a round makes a link of this class DEGRADED: the default or the operator’s override.',
    labelNames: ['class'],
    async read(set) {
      const byClass = await thresholds();
      for (const c of linkClasses) set({ class: c }, byClass[c].maxLossRatio);
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_extranet_link_rtt_threshold_seconds',
    help: 'Average round trip (seconds) above which a round makes a link of this class DEGRADED: the default or the operator’s override.',
    labelNames: ['class'],
    async read(set) {
      const byClass = await thresholds();
      for (const c of linkClasses) set({ class: c }, byClass[c].maxRttMs / 1000);
    },
  });
}
