import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/principal.ts';
import { firstStart } from '../bootstrap.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { type TestConsole, testConsole, testPassword } from '../testing/harness.ts';

const pgUp = await postgresAvailable();
const operator: Principal = { kind: 'user', id: 'op', name: 'op', roles: ['cloud-operator'], department: null };
/** The extranet's systems in DOMAIN.md: 36 national + 61 provincial + 640 city + 736 county. */
const systemCount = 1473;

/**
 * The demo's DR as first start loads it over the demo's 1,473 systems, and the DR matrix page
 * timed at that size on both backends (a constant number of queries per page).
 */
describe.each(backends)('demo DR and the matrix at 1,473 systems on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  /** Rows of the DR tables, to show a second first start leaves them be. */
  const rows = async () => {
    const db = t.store.db;
    const count = async (table: 'dr_protections' | 'dr_drills' | 'system_follow_ups' | 'site_milestones') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      protections: await count('dr_protections'),
      drills: await count('dr_drills'),
      followUps: await count('system_follow_ups'),
      milestones: await count('site_milestones'),
    };
  };

  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
  }, 120_000);
  afterAll(() => t?.dispose());

  it.runIf(enabled)(
    'seeds the DR centre’s approvals, the level table and a realistic share of protections',
    async () => {
      const seeded = await rows();
      console.info(`demo DR on ${name}: ${seeded.protections} protections, ${seeded.drills} drills`);
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
      expect(seeded.drills).toBeGreaterThan(seeded.protections * 0.5);
      expect(seeded.followUps).toBeGreaterThan(0);
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

      // A restart (or a second replica starting) seeds nothing twice.
      await firstStart({ ...t.deps, demo: true, adminPassword: testPassword });
      expect(await rows()).toEqual(seeded);
      expect((await t.deps.dr.sites()).map((s) => [s.code, s.status, s.approved])).toEqual(
        sites.map((s) => [s.code, s.status, s.approved]),
      );
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
