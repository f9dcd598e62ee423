import type { Registry } from 'prom-client';
import { migrationStates } from '../../core/migration-lifecycle.ts';
import type { Logger } from '../logger.ts';
import { readOncePerScrape, storeGauge } from '../metrics/store-gauge.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { currentRequests } from './views.ts';
import { waveHealths } from './wave-health.ts';
import { createWaves } from './waves.ts';

/** Rejected and cancelled requests leave their wave (wave-health.ts): no state series for them. */
const waveMemberStates = migrationStates.filter((s) => s !== 'rejected' && s !== 'cancelled');

/**
 * `govops_migration_systems{state}`: department systems per migration state of their current
 * request (the one being worked, else the newest that ended), and `state="none"` for systems no
 * request was ever made for. Counted in the store at scrape time, so every replica reports the
 * same figure; all nineteen series are present (zeros included). The one label is the bounded
 * state enumeration: never a system, department or person.
 *
 * Per wave, as the console's wave pages show them: `govops_migration_wave_requests{wave,state}`
 * (every state a member can be in, zeros included) and `govops_migration_wave_health{wave,health}`
 * (1 for the wave's health now, 0 for the other two). `wave` is the wave's code (a handful).
 */
export function registerMigrationMetrics(
  registry: Registry,
  { uow, now, logger }: { uow: UnitOfWork; now: () => Date; logger?: Logger },
) {
  const waves = createWaves({ uow, now });
  const readWaves = readOncePerScrape(() => waves.list());
  storeGauge(registry, logger, {
    name: 'govops_migration_wave_requests',
    help: 'Migration requests planned into a wave (count) per state; rejected and cancelled ones have left the wave.',
    labelNames: ['wave', 'state'],
    async read(set) {
      for (const w of await readWaves()) {
        for (const state of waveMemberStates) set({ wave: w.code, state }, w.byState[state] ?? 0);
      }
    },
  });
  storeGauge(registry, logger, {
    name: 'govops_migration_wave_health',
    help: 'A wave’s rolled-up health: 1 for the current one (healthy, lagging or error), 0 for the others.',
    labelNames: ['wave', 'health'],
    async read(set) {
      for (const w of await readWaves()) {
        for (const health of waveHealths) set({ wave: w.code, health }, w.health === health ? 1 : 0);
      }
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_migration_systems',
    help: 'Department systems per migration state of their current migration request (none: never requested).',
    labelNames: ['state'],
    async read(set) {
      const db = uow.db();
      const rows = await db
        .selectFrom('systems')
        .leftJoin(currentRequests(db).as('cur'), 'cur.system_code', 'systems.code')
        .leftJoin('migration_requests', 'migration_requests.id', 'cur.id')
        .select((eb) => ['migration_requests.state', eb.fn.countAll().as('n')])
        .groupBy('migration_requests.state')
        .execute();
      for (const state of [...migrationStates, 'none']) set({ state }, 0);
      for (const r of rows) set({ state: r.state ?? 'none' }, Number(r.n));
    },
  });
}
