import type { Registry } from 'prom-client';
import { protectionStates } from '../../core/dr.ts';
import type { Logger } from '../logger.ts';
import { storeGauge } from '../metrics/store-gauge.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { drillOverdueSystems, lagAboveRpoSystems, monthsBefore, targetNotMetSystems } from './flags.ts';

const flagLabels = ['target_not_met', 'drill_overdue', 'lag_above_rpo'] as const;

/**
 * `govops_dr_protections{site,state}`: protections per DR site and state (every state of every
 * DR site present, zeros included); `govops_dr_systems_flagged{flag}`: systems carrying each
 * DR flag (target_not_met, drill_overdue, lag_above_rpo). Counted in the store at scrape time, so
 * every replica reports the same figure. Labels are bounded: site codes (three), the eleven
 * states, three flags — never a system or department.
 */
export function registerDrMetrics(
  registry: Registry,
  {
    uow,
    now,
    logger,
    drillOverdueMonths,
  }: { uow: UnitOfWork; now: () => Date; logger?: Logger; drillOverdueMonths: () => Promise<number> },
) {
  storeGauge(registry, logger, {
    name: 'govops_dr_protections',
    help: 'Systems protected at each DR site, per protection state.',
    labelNames: ['site', 'state'],
    async read(set) {
      const db = uow.db();
      const [sites, rows] = await Promise.all([
        db.selectFrom('sites').select('code').where('role', '!=', 'production').execute(),
        db
          .selectFrom('dr_protections')
          .select((eb) => ['site_code', 'state', eb.fn.countAll<number>().as('n')])
          .groupBy(['site_code', 'state'])
          .execute(),
      ]);
      for (const s of sites) for (const state of protectionStates) set({ site: s.code, state }, 0);
      for (const r of rows) set({ site: r.site_code, state: r.state }, Number(r.n));
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_dr_systems_flagged',
    help: 'Systems with a DR flag: target not met, drill overdue, replication lag above RPO.',
    labelNames: ['flag'],
    async read(set) {
      const since = monthsBefore(now(), await drillOverdueMonths());
      const subqueries = {
        target_not_met: targetNotMetSystems(),
        drill_overdue: drillOverdueSystems(since),
        lag_above_rpo: lagAboveRpoSystems(),
      };
      for (const flag of flagLabels) {
        const { n } = await uow
          .db()
          .selectFrom('systems')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('code', 'in', subqueries[flag])
          .executeTakeFirstOrThrow();
        set({ flag }, Number(n));
      }
    },
  });
}
