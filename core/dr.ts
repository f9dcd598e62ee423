/**
 * Disaster recovery across 两地三中心 (production, same-city DR, remote DR): the words the
 * console, its API and its metrics share. The GB/T 20988 level table is data (core/dr-levels.ts
 * holds its defaults); these lists are the vocabulary.
 */

/** synchronous: RPO ≈ 0 (same city); asynchronous: RPO minutes (remote); backup-based: restores. */
export const replicationModes = ['synchronous', 'asynchronous', 'backup-based'] as const;
export type ReplicationMode = (typeof replicationModes)[number];

/** Real-time replication, as MLPS level 3 asks for off-site backup: anything but restoring backups. */
export function isRealTime(mode: ReplicationMode): boolean {
  return mode !== 'backup-based';
}

export const protectionStates = [
  'unprotected',
  'requested',
  'configuring',
  'initial-sync',
  'protected',
  'degraded',
  'drilling',
  'failing-over',
  'failed-over',
  'reprotecting',
  'failing-back',
] as const;
export type ProtectionState = (typeof protectionStates)[number];

export const drillResults = ['passed', 'partial', 'failed'] as const;
export type DrillResult = (typeof drillResults)[number];

export const siteStatuses = ['planned', 'approvals', 'under-construction', 'commissioning', 'operational'] as const;
export type SiteStatus = (typeof siteStatuses)[number];

/** The approvals a DR site needs before and during construction, in the order they are obtained. */
export const milestoneKinds = [
  'land-use-right',
  'environmental-assessment',
  'energy-assessment',
  'project-proposal',
  'feasibility-study',
  'preliminary-design',
  'construction-drawings',
] as const;
export type MilestoneKind = (typeof milestoneKinds)[number];

export const milestoneStatuses = ['not-started', 'in-progress', 'approved', 'rejected'] as const;
export type MilestoneStatus = (typeof milestoneStatuses)[number];

export const mlpsLevels = [1, 2, 3, 4, 5] as const;

/** Where a system runs before it moves, and the networks it sits on. */
export const systemNetworks = ['extranet', 'internet', 'private'] as const;
export type SystemNetwork = (typeof systemNetworks)[number];
export const hostingKinds = ['own-machine-room', 'cloud'] as const;
export type HostingKind = (typeof hostingKinds)[number];
