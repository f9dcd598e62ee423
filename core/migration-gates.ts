import type { SiteRole } from './org.ts';
import { type DrillResult, isRealTime, type ProtectionState, type ReplicationMode } from './dr.ts';
import { cutOverStates, type MigrationState } from './migration-lifecycle.ts';

/**
 * The conditions a move must meet besides being legal: no cut-over without a recorded MLPS level
 * nor before the systems it depends on are on the cloud; a level-3 (or higher) system is not
 * accepted until an off-site DR site protects it with real-time replication and a drill there has
 * passed. Each unmet condition is named, so the page and the 409 can say all of them at once.
 */

export type GateFacts = {
  mlpsLevel: number | null;
  /** The systems it depends on, with the state of their own migration (null: none, or not on the cloud). */
  dependencies: { code: string; state: MigrationState | null; onCloud: boolean }[];
  protections: { siteCode: string; siteRole: SiteRole; mode: ReplicationMode; state: ProtectionState }[];
  drills: { siteCode: string; result: DrillResult | null }[];
};

export type GateProblem =
  | { gate: 'mlps_level_missing' }
  | { gate: 'dependency_not_cut_over'; system: string }
  | { gate: 'remote_protection_missing' }
  | { gate: 'passed_drill_missing' };

/** The level from which MLPS asks for off-site real-time backup (GB/T 22239 level 3). */
export const offSiteProtectionFromLevel = 3;

export function gateProblems(to: MigrationState, facts: GateFacts): GateProblem[] {
  const problems: GateProblem[] = [];
  if (to === 'cutting-over' || to === 'cut-over') {
    if (facts.mlpsLevel === null) problems.push({ gate: 'mlps_level_missing' });
    for (const d of facts.dependencies) {
      if (!d.onCloud && !(d.state && cutOverStates.includes(d.state))) {
        problems.push({ gate: 'dependency_not_cut_over', system: d.code });
      }
    }
  }
  if (to === 'accepted' && (facts.mlpsLevel ?? 0) >= offSiteProtectionFromLevel) {
    const remote = facts.protections.filter(
      (p) => p.siteRole === 'remote-dr' && p.state === 'protected' && isRealTime(p.mode),
    );
    if (!remote.length) problems.push({ gate: 'remote_protection_missing' });
    const remoteSites = new Set(remote.map((p) => p.siteCode));
    if (!facts.drills.some((d) => d.result === 'passed' && remoteSites.has(d.siteCode))) {
      problems.push({ gate: 'passed_drill_missing' });
    }
  }
  return problems;
}
