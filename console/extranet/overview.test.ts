import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkStates } from '../../core/link-state.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { icmpProbe, operator } from './testing.ts';

const pgUp = await postgresAvailable();
const total = 4000;

/**
 * The overview at the size the brief names: the demo province's 3,317 links plus 683 more under
 * its counties, in every state, with a few cut upstream links. Timed on both backends.
 */
describe.each(backends)('extranet overview at 4,000 links on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;

  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    const at = t.clock.now().toISOString();
    const counties = (
      await t.store.db.selectFrom('links').select('code').where('link_class', '=', 'county').execute()
    ).map((r) => r.code);
    const extra = Array.from({ length: total - 3317 }, (_, i) => ({
      code: `extra-${String(i).padStart(4, '0')}`,
      name: `扩展接入 ${i}`,
      link_class: 'department',
      parent_code: counties[i % counties.length]!,
      region_code: counties[i % counties.length]!.slice('county-'.length),
      department_code: null,
      agent_id: null,
      probe: JSON.stringify(icmpProbe(`10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`)),
      interval_seconds: 30,
      demo: 0,
      created_at: at,
      updated_at: at,
    }));
    for (let i = 0; i < extra.length; i += 300)
      await t.store.db
        .insertInto('links')
        .values(extra.slice(i, i + 300))
        .execute();
    // Department links in every state; two cities and a county cut, the rest of the tree up.
    const cut = ['city-340200', 'city-341000', 'county-340102'];
    const all = (await t.store.db.selectFrom('links').select('code').orderBy('code').execute()).map((r) => r.code);
    const statusOf = (code: string, i: number) => ({
      link_code: code,
      state: cut.includes(code) ? 'down' : /^(bb|city|county)-/.test(code) ? 'up' : linkStates[i % 4]!,
      failed_streak: 0,
      good_streak: 0,
      since: at,
      last_round_at: at,
      loss_ratio: (i % 7) / 10,
      rtt_avg_ms: 5 + (i % 50),
      jitter_ms: 1,
      error: null,
    });
    await t.store.db.deleteFrom('link_status').execute();
    for (let i = 0; i < all.length; i += 300) {
      await t.store.db
        .insertInto('link_status')
        .values(all.slice(i, i + 300).map((code, j) => statusOf(code, i + j)))
        .execute();
    }
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  it.runIf(enabled)('counts every link once and answers fast', async () => {
    const overview = await t.deps.links.overview(operator);
    const { counts } = overview.totals;
    expect(overview.totals.links).toBe(total);
    expect(counts.up + counts.degraded + counts.down + counts.unknown + counts.affected).toBe(total);
    for (const s of ['up', 'degraded', 'down', 'unknown', 'affected'] as const)
      expect(overview.byClass.reduce((n, k) => n + k.counts[s], 0)).toBe(counts[s]);
    const roots = overview.incidents.map((i) => i.root.code);
    expect(roots.slice(0, 2).sort()).toEqual(['city-340200', 'city-341000']);
    expect(roots).toContain('county-340102');
    expect(overview.incidents.reduce((n, i) => n + i.affectedCount, 0)).toBe(counts.affected);
    expect(overview.totals.incidents).toBe(overview.incidents.length);
    const cities = overview.tree.cities.reduce((n, c) => n + c.links, 0);
    expect(cities + overview.tree.province.links).toBe(total);
    expect(overview.worst.loss).toHaveLength(10);
    expect(overview.worst.loss[0]!.lossRatio).toBe(0.6);

    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await t.deps.links.overview(operator);
      timings.push(performance.now() - started);
    }
    const median = timings.sort((a, b) => a - b)[2]!;
    console.info(
      `extranet overview over ${total.toLocaleString('en')} links on ${name}: median ${median.toFixed(1)} ms of 5`,
    );
    expect(median).toBeLessThan(name === 'sqlite' ? 200 : 400);
  });

  it.runIf(enabled)('serves the metrics counts from the same reckoning', async () => {
    const [overview, counts] = [await t.deps.links.overview(operator), await t.deps.links.counts()];
    expect(counts.incidents).toBe(overview.totals.incidents);
    for (const k of overview.byClass) expect(counts.byClass[k.class]).toEqual(k.counts);
  });
});
