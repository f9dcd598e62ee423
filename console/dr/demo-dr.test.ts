import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/principal.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { seedDemoDr } from './demo-dr.ts';
import { insertSystems } from './testing.ts';

const pgUp = await postgresAvailable();
const operator: Principal = { kind: 'user', id: 'op', name: 'op', roles: ['cloud-operator'], department: null };
/** The extranet's systems in DOMAIN.md: 36 national + 61 provincial + 640 city + 736 county. */
const systemCount = 1473;

/**
 * The demo's DR over 1,473 systems spread across the demo departments, and the DR matrix page
 * timed at that size on both backends (a constant number of queries per page).
 */
describe.each(backends)('demo DR and the matrix at 1,473 systems on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;

  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    // The demo province's own systems when the systems area seeds them, topped up to 1,473.
    const present = (await t.store.db.selectFrom('systems').select('code').where('demo', '=', 1).execute()).length;
    const departments = (await t.store.db.selectFrom('departments').select('code').orderBy('code').execute()).map(
      (d) => d.code,
    );
    const at = t.clock.now().toISOString();
    const systems = Array.from({ length: Math.max(0, systemCount - present) }, (_, i) => ({
      code: `zz-demo-${String(i).padStart(4, '0')}`,
      department_code: departments[(i * 7) % departments.length]!,
      mlps_level: [2, 3, 3, 4, 2, 3, 1][i % 7]!,
      rpo_seconds: [3600, 300, 900, 60, 43200, 60, null][i % 7]!,
      target_dr_level: [2, 4, 5, 5, 3, 4, null][i % 7]!,
      demo: 1,
    }));
    for (let i = 0; i < systems.length; i += 300) await insertSystems(t.store.db, at, systems.slice(i, i + 300));
  }, 120_000);
  afterAll(() => t?.dispose());

  it.runIf(enabled)(
    'seeds the DR centre’s approvals, the level table and a realistic share of protections',
    async () => {
      const started = performance.now();
      const seeded = await t.deps.uow.inTransaction(() => seedDemoDr(t.deps.uow, t.clock.now()));
      console.info(
        `seedDemoDr on ${name}: ${seeded.protections} protections, ${seeded.drills} drills in ${(performance.now() - started).toFixed(0)} ms`,
      );
      const sites = await t.deps.dr.sites();
      expect(sites.map((s) => [s.code, s.status, s.approved])).toEqual([
        ['prod-hefei', 'operational', 0],
        ['dr-hefei', 'operational', 0],
        ['dr-remote', 'under-construction', 6],
      ]);
      const remote = sites[2]!;
      expect(remote.milestones.find((m) => m.kind === 'construction-drawings')).toMatchObject({
        status: 'in-progress',
      });
      expect(remote.milestones.find((m) => m.kind === 'environmental-assessment')?.documentNo).toMatch(/〔2023〕/);
      expect((await t.deps.dr.levels()).map((l) => l.level)).toEqual([1, 2, 3, 4, 5, 6]);

      expect(seeded.protections).toBeGreaterThan(systemCount * 0.4);
      expect(seeded.protections).toBeLessThan(systemCount * 1.2);
      const m = await t.deps.dr.matrix(operator, { limit: 50 });
      expect(m.total).toBe(systemCount);
      // Some of everything an operator should see: below target, overdue, lagging, degraded.
      expect(m.flagged['target-not-met']).toBeGreaterThan(0);
      expect(m.flagged['drill-overdue']).toBeGreaterThan(0);
      expect(m.flagged['lag-above-rpo']).toBeGreaterThan(0);
      expect((await t.deps.dr.matrix(operator, { state: 'degraded', limit: 1 })).total).toBeGreaterThan(0);
      const failed = await t.deps.dr.drills(operator, { outcome: 'failed', limit: 1 });
      expect(failed.total).toBeGreaterThan(0);
      expect((await t.deps.dr.systemDrills(operator, failed.items[0]!.system)).followUps[0]).toMatchObject({
        status: 'open',
        drillResult: 'failed',
      });
    },
  );

  it.runIf(enabled)('renders the DR matrix page fast, filtered and sorted', async () => {
    const session = await t.signIn('ops', ['cloud-operator']);
    const timings: number[] = [];
    for (const query of [
      '',
      '?sort=lag&order=desc',
      '?flag=target-not-met',
      '?mlps=3&state=protected',
      '?offset=1400',
    ]) {
      const started = performance.now();
      const res = await t.visit(`/dr${query}`, session, 'en');
      timings.push(performance.now() - started);
      expect(res.status).toBe(200);
    }
    const median = timings.sort((a, b) => a - b)[2]!;
    console.info(`DR matrix page over ${systemCount} systems on ${name}: median ${median.toFixed(1)} ms of 5`);
    expect(median).toBeLessThan(500);
  });
});
