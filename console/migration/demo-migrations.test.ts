import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutOverStates, migrationStates } from '../../core/migration-lifecycle.ts';
import { firstStart } from '../bootstrap.ts';
import { type TestConsole, testConsole, testPassword } from '../testing/harness.ts';

/** The requests in the store: after first start, only the demo's. */
async function requestCount(t: TestConsole): Promise<number> {
  const row = await t.store.db
    .selectFrom('migration_requests')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What first start loaded: the demo's requests and waves, seeded right after the demo systems. */
describe('demo migrations', () => {
  let t: TestConsole;
  let loaded: number;
  let ms: number;
  let logged: number | undefined;
  beforeAll(async () => {
    t = await testConsole();
    loaded = await requestCount(t);
    // The seeding's time, from the log lines that bracket it in first start.
    const lines = t.logger.lines.map((l) => JSON.parse(l) as { time: string; msg: string; requests?: number });
    const systems = lines.find((l) => l.msg === 'loaded the demo systems')!;
    const migrations = lines.find((l) => l.msg === 'loaded the demo migrations')!;
    logged = migrations.requests;
    ms = Date.parse(migrations.time) - Date.parse(systems.time);
    console.info(`demo migrations: ${loaded} seeded in ${ms} ms`);
  });
  afterAll(() => t.dispose());

  it('puts a realistic share of the systems into requests across every state, quickly', async () => {
    expect(logged).toBe(loaded);
    expect(loaded).toBeGreaterThan(400);
    expect(loaded).toBeLessThan(700);
    expect(ms).toBeLessThan(5000);
    const rows = await t.store.db
      .selectFrom('migration_requests')
      .select((eb) => ['state', eb.fn.countAll().as('n')])
      .groupBy('state')
      .execute();
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(migrationStates));
    const waves = await t.deps.migration.waves.list();
    expect(waves.map((w) => w.code)).toEqual(['W1', 'W2', 'W3', 'W4', 'W5']);
    expect(waves.every((w) => w.total > 0)).toBe(true);
    expect(new Set(waves.map((w) => w.health))).toContain('error');
  });

  it('is loaded once: a later start adds no request or wave', async () => {
    await firstStart({ ...t.deps, demo: true, adminPassword: testPassword });
    expect(await requestCount(t)).toBe(loaded);
    expect((await t.deps.migration.waves.list()).map((w) => w.code)).toEqual(['W1', 'W2', 'W3', 'W4', 'W5']);
  });

  it('keeps every request consistent with its history and its dependencies', async () => {
    const db = t.store.db;
    const last = await db
      .selectFrom('migration_requests')
      .innerJoin('migration_events', 'migration_events.request_id', 'migration_requests.id')
      .select([
        'migration_requests.state',
        'migration_requests.version',
        'migration_events.to_state',
        'migration_events.seq',
      ])
      .whereRef('migration_events.seq', '=', 'migration_requests.version')
      .execute();
    expect(last.length).toBe(loaded);
    expect(last.every((r) => r.to_state === r.state)).toBe(true);
    const broken = await db
      .selectFrom('migration_requests as m')
      .innerJoin('system_dependencies as d', 'd.system_code', 'm.system_code')
      .leftJoin('migration_requests as dm', 'dm.system_code', 'd.depends_on_code')
      .innerJoin('systems as ds', 'ds.code', 'd.depends_on_code')
      .select(['m.system_code', 'd.depends_on_code'])
      .where('m.state', 'in', [...cutOverStates, 'cutting-over'])
      .where('ds.hosting', '<>', 'cloud')
      .where((eb) => eb.or([eb('dm.state', 'is', null), eb('dm.state', 'not in', [...cutOverStates])]))
      .execute();
    expect(broken).toEqual([]);
    // Wave codes W1…W5 sort as their positions.
    const outOfOrder = await db
      .selectFrom('migration_requests as m')
      .innerJoin('system_dependencies as d', 'd.system_code', 'm.system_code')
      .innerJoin('migration_requests as dm', 'dm.system_code', 'd.depends_on_code')
      .select(['m.system_code', 'm.wave_code', 'dm.wave_code as dependency_wave'])
      .where('dm.state', 'not in', [...cutOverStates, 'rejected', 'cancelled'])
      .whereRef('dm.wave_code', '>', 'm.wave_code')
      .execute();
    expect(outOfOrder).toEqual([]);
  });
});
