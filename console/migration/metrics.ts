import { Gauge, type Registry } from 'prom-client';
import { migrationStates } from '../../core/migration-lifecycle.ts';
import type { Logger } from '../logger.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { currentRequests } from './views.ts';

/**
 * `govops_migration_systems{state}`: department systems per migration state of their current
 * request (the one being worked, else the newest that ended), and `state="none"` for systems no
 * request was ever made for. Counted in the store at scrape time, so every replica reports the
 * same figure; all nineteen series are present (zeros included). The one label is the bounded
 * state enumeration: never a system, department or person.
 */
export function registerMigrationMetrics(registry: Registry, { uow, logger }: { uow: UnitOfWork; logger?: Logger }) {
  const gauge: Gauge<'state'> = new Gauge({
    name: 'govops_migration_systems',
    help: 'Department systems per migration state of their current migration request (none: never requested).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      gauge.reset();
      try {
        const db = uow.db();
        const rows = await db
          .selectFrom('systems')
          .leftJoin(currentRequests(db).as('cur'), 'cur.system_code', 'systems.code')
          .leftJoin('migration_requests', 'migration_requests.id', 'cur.id')
          .select((eb) => ['migration_requests.state', eb.fn.countAll().as('n')])
          .groupBy('migration_requests.state')
          .execute();
        for (const state of [...migrationStates, 'none']) gauge.set({ state }, 0);
        for (const r of rows) gauge.set({ state: r.state ?? 'none' }, Number(r.n));
      } catch (e) {
        // A scrape must still answer with everything else; the gap shows on the dashboards.
        gauge.reset();
        logger?.warn('migration metric not collected', {
          metric: 'govops_migration_systems',
          err: (e as Error).message,
        });
      }
    },
  });
}
