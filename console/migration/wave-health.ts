import { cutOverStates, type MigrationState } from '../../core/migration-lifecycle.ts';

export const waveHealths = ['healthy', 'lagging', 'error'] as const;
export type WaveHealth = (typeof waveHealths)[number];

/** How far back a rollback or a refused gate still marks a wave as in trouble. */
export const troubleWindowMs = 7 * 24 * 3600_000;

/** What the health rule reads about one request in a wave. */
export type WaveMember = {
  state: MigrationState;
  cutoverEnd: string | null;
  /** When the request last changed (a move or an edit). */
  updatedAt: string;
  /** The latest rollback to ready-for-test (from testing or cutting over), if any. */
  lastRollbackAt: string | null;
  /** The latest attempt the gates refused (from the audit trail), if any. */
  lastGateRefusalAt: string | null;
};

/**
 * A wave's rolled-up health, worst first:
 * - error: one of its requests is on hold; or rolled back to ready-for-test (from testing or from
 *   cutting over) within the last 7 days; or had a move refused by the gates within the last 7
 *   days and has not moved since (a later move means the gate was met).
 * - lagging: the wave's window has ended, or a request's own cutover window has ended, while that
 *   request has not reached cut-over.
 * - healthy: otherwise, including a wave with nothing in it yet.
 * Rejected and cancelled requests no longer belong to the wave and are ignored.
 */
export function waveHealth(windowEnd: string | null, members: readonly WaveMember[], now: Date): WaveHealth {
  const live = members.filter((m) => m.state !== 'cancelled' && m.state !== 'rejected');
  const since = now.getTime() - troubleWindowMs;
  const recent = (at: string | null) => at !== null && Date.parse(at) >= since;
  const inTrouble = live.some(
    (m) =>
      m.state === 'on-hold' ||
      recent(m.lastRollbackAt) ||
      (recent(m.lastGateRefusalAt) && Date.parse(m.lastGateRefusalAt!) >= Date.parse(m.updatedAt)),
  );
  if (inTrouble) return 'error';
  const ended = (at: string | null) => at !== null && Date.parse(at) < now.getTime();
  const late = live.some((m) => !cutOverStates.includes(m.state) && (ended(windowEnd) || ended(m.cutoverEnd)));
  return late ? 'lagging' : 'healthy';
}
