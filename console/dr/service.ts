import type { Registry } from 'prom-client';
import type { Principal } from '../../core/principal.ts';
import type { Logger } from '../logger.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { drDrills } from './drills.ts';
import { drSettings } from './dr-settings.ts';
import { drLevels } from './levels.ts';
import { drMatrix, type MatrixQuery } from './matrix.ts';
import { registerDrMetrics } from './metrics.ts';
import { drProtections } from './protections.ts';
import { drSites } from './sites.ts';

export type { DrillQuery, DrillSort, DrillView, FollowUpView } from './drills.ts';
export { drillOutcomes, drillSorts } from './drills.ts';
export type { DrFlag } from './flags.ts';
export { drFlags } from './flags.ts';
export type { DrLevelView } from './levels.ts';
export type { DrMatrix, MatrixCell, MatrixQuery, MatrixRow, MatrixSort } from './matrix.ts';
export { matrixSorts } from './matrix.ts';
export type { ProtectionView } from './protection-view.ts';
export type { DrSiteView, MilestoneView } from './sites.ts';

export type DrService = ReturnType<typeof createDrService>;

/**
 * Disaster recovery across 两地三中心: each system's protection per DR site with its achieved
 * GB/T 20988 level, drills and the follow-ups they leave, the DR sites' construction, the level
 * table and the drill-overdue period. Reads take the caller's principal: department users see
 * their own department's systems only (others read as not found). When a registry is given the
 * DR gauges are registered on it (read at scrape time).
 */
export function createDrService({
  uow,
  now,
  registry,
  logger,
}: {
  uow: UnitOfWork;
  now: () => Date;
  registry?: Registry;
  logger?: Logger;
}) {
  const settings = drSettings({ uow });
  const levels = drLevels({ uow, now });
  const protections = drProtections({ uow, now, levels });
  const drills = drDrills({ uow, now, levels });
  const sites = drSites({ uow, now });
  const matrix = drMatrix({ uow, now });
  const drillOverdueMonths = async () => (await settings.read()).drillOverdueMonths;
  if (registry) registerDrMetrics(registry, { uow, now, logger, drillOverdueMonths });
  return {
    matrix: async (p: Principal, q: MatrixQuery) => matrix(p, q, await drillOverdueMonths()),
    protections: protections.forSystem,
    protection: protections.get,
    setProtection: protections.upsert,
    drill: drills.get,
    planDrill: drills.plan,
    recordDrill: drills.record,
    drills: drills.list,
    systemDrills: drills.forSystem,
    closeFollowUp: drills.closeFollowUp,
    levels: levels.list,
    correctLevel: levels.correct,
    settings: settings.read,
    setSettings: settings.write,
    sites: sites.list,
    site: sites.get,
    setSiteStatus: sites.setStatus,
    setMilestone: sites.setMilestone,
  };
}
