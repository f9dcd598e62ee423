import { achievedLevel, type DrLevel, worseRpo } from '../../core/dr-levels.ts';
import type { ProtectionState } from '../../core/dr.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { notYetReplicating } from './flags.ts';

/** Until replication has caught up once there is nothing to recover from: no level. */
const beforeFirstSync: ReadonlySet<ProtectionState> = new Set(notYetReplicating);

/**
 * Recomputes the achieved level of protections from the level table, each protection's mode,
 * state and lag, and its site's latest passed drill; writes only the rows that change. Called on
 * every change of a protection, a drill's result, or the table (then for every protection).
 */
export async function recomputeAchieved(
  uow: UnitOfWork,
  table: readonly DrLevel[],
  only?: { system: string; site?: string },
): Promise<void> {
  let query = uow
    .db()
    .selectFrom('dr_protections as p')
    .select((eb) => {
      const passed = (column: 'measured_rto_seconds' | 'measured_rpo_seconds') =>
        eb
          .selectFrom('dr_drills as d')
          .select(`d.${column}`)
          .whereRef('d.system_code', '=', 'p.system_code')
          .whereRef('d.site_code', '=', 'p.site_code')
          .where('d.result', '=', 'passed')
          .orderBy('d.executed_at', 'desc')
          .orderBy('d.id', 'desc')
          .limit(1);
      return [
        'p.system_code',
        'p.site_code',
        'p.mode',
        'p.state',
        'p.lag_seconds',
        'p.achieved_level',
        passed('measured_rto_seconds').as('drill_rto'),
        passed('measured_rpo_seconds').as('drill_rpo'),
      ];
    });
  if (only) query = query.where('p.system_code', '=', only.system);
  if (only?.site) query = query.where('p.site_code', '=', only.site);
  for (const r of await query.execute()) {
    const level = beforeFirstSync.has(r.state)
      ? null
      : achievedLevel(table, {
          mode: r.mode,
          measuredRtoSeconds: r.drill_rto === null ? null : Number(r.drill_rto),
          rpoSeconds: worseRpo(r.drill_rpo === null ? null : Number(r.drill_rpo), r.lag_seconds),
        });
    if (level === r.achieved_level) continue;
    await uow
      .db()
      .updateTable('dr_protections')
      .set({ achieved_level: level })
      .where('system_code', '=', r.system_code)
      .where('site_code', '=', r.site_code)
      .execute();
  }
}
