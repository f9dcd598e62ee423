import { type Expression, type ExpressionBuilder, expressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * A system's DR flags as SQL, so the systems list, the DR matrix and the metrics filter and count
 * them the same way, in the store, at the province's size:
 *
 * - target not met: at some DR site its achieved level is below the system's target level, or its
 *   replication lag is above the system's RPO;
 * - drill overdue: the system is protected somewhere but has no passed drill executed since
 *   `since` (now minus the configurable period, default 12 months).
 */

const eb = expressionBuilder<Database, never>();

/** Codes of systems with a protection that misses the target. */
export function targetNotMetSystems() {
  return eb
    .selectFrom('dr_protections as p')
    .innerJoin('systems as s', 's.code', 'p.system_code')
    .select('p.system_code')
    .where((w) =>
      w.or([
        w.and([
          w('s.target_dr_level', 'is not', null),
          w('p.achieved_level', 'is not', null),
          w('p.achieved_level', '<', w.ref('s.target_dr_level')),
        ]),
        w.and([
          w('s.target_dr_level', 'is not', null),
          w('p.achieved_level', 'is', null),
          w('p.state', '=', 'protected'),
        ]),
        w.and([
          w('s.rpo_seconds', 'is not', null),
          w('p.lag_seconds', 'is not', null),
          w('p.lag_seconds', '>', w.ref('s.rpo_seconds')),
        ]),
      ]),
    );
}

/**
 * Protection states before replication has first caught up: nothing to recover from yet, so no
 * achieved level and no drill due.
 */
export const notYetReplicating = ['unprotected', 'requested', 'configuring', 'initial-sync'] as const;

/** Codes of protected systems without a passed drill executed at or after `since` (ISO timestamp). */
export function drillOverdueSystems(since: string) {
  return eb
    .selectFrom('dr_protections as p')
    .select('p.system_code')
    .where('p.state', 'not in', notYetReplicating)
    .where((w) =>
      w.not(
        w.exists(
          w
            .selectFrom('dr_drills as d')
            .select('d.id')
            .whereRef('d.system_code', '=', 'p.system_code')
            .where('d.result', '=', 'passed')
            .where('d.executed_at', '>=', since),
        ),
      ),
    );
}

/** Systems whose replication lag is above their RPO at some site (the lag-above-RPO alert's figure). */
export function lagAboveRpoSystems() {
  return eb
    .selectFrom('dr_protections as p')
    .innerJoin('systems as s', 's.code', 'p.system_code')
    .select('p.system_code')
    .where('s.rpo_seconds', 'is not', null)
    .where('p.lag_seconds', 'is not', null)
    .whereRef('p.lag_seconds', '>', 's.rpo_seconds');
}

export function targetNotMet(w: ExpressionBuilder<Database, 'systems'>): Expression<SqlBool> {
  return w('systems.code', 'in', targetNotMetSystems());
}

export function drillOverdue(w: ExpressionBuilder<Database, 'systems'>, since: string): Expression<SqlBool> {
  return w('systems.code', 'in', drillOverdueSystems(since));
}

/** `now` minus whole months, as the drill-overdue period is set (calendar months, UTC). */
export function monthsBefore(now: Date, months: number): string {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString();
}

export function lagAboveRpo(w: ExpressionBuilder<Database, 'systems'>): Expression<SqlBool> {
  return w('systems.code', 'in', lagAboveRpoSystems());
}

/** The flags the DR matrix filters and counts by, as the API and metrics name them. */
export const drFlags = ['target-not-met', 'drill-overdue', 'lag-above-rpo'] as const;
export type DrFlag = (typeof drFlags)[number];

/** One flag's condition on 'systems'; the drill-overdue one needs the period's start. */
export function hasFlag(w: ExpressionBuilder<Database, 'systems'>, flag: DrFlag, since: string): Expression<SqlBool> {
  if (flag === 'target-not-met') return targetNotMet(w);
  if (flag === 'drill-overdue') return drillOverdue(w, since);
  return lagAboveRpo(w);
}
