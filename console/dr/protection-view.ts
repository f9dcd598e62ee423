import type { ProtectionState, ReplicationMode } from '../../core/dr.ts';
import type { SiteRole } from '../../core/org.ts';
import type { DrSystem } from './system-access.ts';

/** A system's protection at one DR site, with the system's targets beside it and its flags. */
export type ProtectionView = {
  system: string;
  site: string;
  siteName: string;
  siteRole: SiteRole;
  mode: ReplicationMode;
  state: ProtectionState;
  lagSeconds: number | null;
  lastRecoveryPoint: string | null;
  achievedLevel: number | null;
  targetLevel: number | null;
  rpoSeconds: number | null;
  targetNotMet: boolean;
  lagAboveRpo: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string;
};

export type ProtectionRow = {
  system_code: string;
  site_code: string;
  site_name: string;
  site_role: SiteRole;
  mode: ReplicationMode;
  state: ProtectionState;
  lag_seconds: number | null;
  last_recovery_point: string | null;
  achieved_level: number | null;
  version: number;
  updated_at: string;
  updated_by: string;
};

type Targets = Pick<DrSystem, 'targetLevel' | 'rpoSeconds'>;

/**
 * One protection's flags, by the rule flags.ts applies in SQL to whole systems: the target is
 * not met when the achieved level is below the target (or unknown while "protected"), or when
 * the lag is above the RPO.
 */
export function protectionFlags(
  r: Pick<ProtectionRow, 'achieved_level' | 'state' | 'lag_seconds'>,
  s: Targets,
): { targetNotMet: boolean; lagAboveRpo: boolean } {
  const lagAboveRpo = s.rpoSeconds !== null && r.lag_seconds !== null && r.lag_seconds > s.rpoSeconds;
  const belowTarget =
    s.targetLevel !== null && (r.achieved_level !== null ? r.achieved_level < s.targetLevel : r.state === 'protected');
  return { targetNotMet: belowTarget || lagAboveRpo, lagAboveRpo };
}

export function toProtectionView(r: ProtectionRow, s: Targets): ProtectionView {
  return {
    system: r.system_code,
    site: r.site_code,
    siteName: r.site_name,
    siteRole: r.site_role,
    mode: r.mode,
    state: r.state,
    lagSeconds: r.lag_seconds,
    lastRecoveryPoint: r.last_recovery_point,
    achievedLevel: r.achieved_level,
    targetLevel: s.targetLevel,
    rpoSeconds: s.rpoSeconds,
    ...protectionFlags(r, s),
    version: r.version,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}
