import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExtranet } from '../../core/demo-extranet.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { registerExtranetMetrics } from './extranet-metrics.ts';
import { agentRow, operator, round } from './testing.ts';

const own = '340100-001';
const demoLinks = demoExtranet();
/** Links beneath Hefei's city link: its 75 city departments, 9 counties and their departments. */
const hefeiDepartmentLinks = demoLinks.filter((l) => l.regionCode.startsWith('3401') && l.linkClass !== 'city').length;
const hefeiCityDepartments = 75;

describe('extranet API over the demo province', () => {
  let t: TestConsole;
  let ops: string;
  let viewer: string;
  let dept: string;
  const post = (path: string, body: unknown, token = ops) =>
    t.request(path, { method: 'POST', token, body: JSON.stringify(body) });
  const patch = (path: string, body: unknown, token = ops) =>
    t.request(path, { method: 'PATCH', token, body: JSON.stringify(body) });
  const put = (path: string, body: unknown, token = ops) =>
    t.request(path, { method: 'PUT', token, body: JSON.stringify(body) });
  const get = async (path: string, token = viewer) => json(await t.request(path, { token }));
  const fields = async (res: Response) => (await json(res)).error.fields.map((f: any) => `${f.field} ${f.rule}`);

  beforeAll(async () => {
    t = await testConsole();
    ops = await t.tokenFor('network-operator');
    viewer = await t.tokenFor('viewer');
    dept = await t.tokenFor('department-user', own);
    const at = t.clock.now().toISOString();
    await t.store.db
      .insertInto('agents')
      .values([agentRow('agent-hf', at), agentRow('agent-wh', at)])
      .execute();
    // Rounds in these tests come after the demo links were defined (a link is unknown from then).
    t.clock.advance(3 * 3_600_000);
  });
  afterAll(() => t.dispose());

  it('shows the whole demo tree, unknown until agents report, fast', async () => {
    const overview = await get('/api/v1/extranet/overview');
    expect(overview.totals).toEqual({
      links: 3317,
      incidents: 0,
      counts: { up: 0, degraded: 0, down: 0, unknown: 3317, affected: 0 },
    });
    expect(overview.byClass.map((c: any) => [c.class, c.links])).toEqual([
      ['backbone', 1],
      ['city', 16],
      ['county', 104],
      ['department', 3196],
    ]);
    expect(overview.tree.province).toMatchObject({ region: '340000', name: '安徽省', links: 1 + 96 });
    expect(overview.tree.cities).toHaveLength(16);
    const hefei = overview.tree.cities[0];
    expect(hefei).toMatchObject({ region: '340100', name: '合肥市' });
    expect(hefei.counties).toHaveLength(9);
    expect(hefei.links).toBe(1 + hefeiDepartmentLinks);
    expect(hefei.counties.reduce((n: number, c: any) => n + c.links, 0)).toBe(
      hefeiDepartmentLinks - hefeiCityDepartments,
    );

    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await t.deps.links.overview(operator);
      timings.push(performance.now() - started);
    }
    const median = timings.sort((a, b) => a - b)[2]!;
    console.info(`extranet overview over 3,317 links on SQLite: median ${median.toFixed(1)} ms of 5`);
    expect(median).toBeLessThan(200);
  });

  it('reads a cut city link as one incident over everything beneath it', async () => {
    expect((await patch('/api/v1/links/city-340100', { agent: 'agent-hf' })).status).toBe(200);
    expect((await patch('/api/v1/links/dept-340102-001', { agent: 'agent-hf' })).status).toBe(200);
    const now = t.clock.now().getTime();
    await t.deps.links.recordRounds('agent-hf', [
      round('dept-340102-001', now - 90_000, 'fail'),
      round('dept-340102-001', now - 60_000, 'fail'),
      round('dept-340102-001', now - 30_000, 'fail'),
      ...[90_000, 60_000, 30_000].map((ago) => round('city-340100', now - ago, 'fail')),
    ]);
    const overview = await get('/api/v1/extranet/overview');
    expect(overview.incidents).toHaveLength(1);
    expect(overview.incidents[0]).toMatchObject({
      root: { code: 'city-340100', state: 'down', class: 'city' },
      affectedCount: hefeiDepartmentLinks,
    });
    expect(overview.totals).toMatchObject({
      incidents: 1,
      counts: { down: 1, affected: hefeiDepartmentLinks, unknown: 3317 - 1 - hefeiDepartmentLinks },
    });
    // The department link is down by its own probes too, but the city explains it: not counted twice.
    expect(overview.byClass.find((c: any) => c.class === 'department').counts.down).toBe(0);
    expect(overview.tree.cities[0].counts).toMatchObject({ down: 1, affected: hefeiDepartmentLinks });
    expect(overview.worst.longestDown.map((l: any) => l.code)).toEqual(['city-340100']);

    const below = await get('/api/v1/links?region=340102&limit=500');
    expect(below.items.every((l: any) => l.affectedBy === 'city-340100')).toBe(true);
    const own = await get('/api/v1/links/dept-340102-001');
    expect(own).toMatchObject({ state: 'down', affectedBy: 'city-340100', thresholds: { maxLossRatio: 0.05 } });
    expect(own.events.map((e: any) => e.to)).toEqual(['down', 'degraded']);

    registerExtranetMetrics(t.deps.registry, { links: t.deps.links });
    const text = await t.deps.registry.metrics();
    expect(text).toContain('govops_extranet_incidents 1');
    expect(text).toContain(`govops_extranet_links{class="department",state="affected"} ${hefeiDepartmentLinks - 9}`);
    expect(text).toContain('govops_extranet_links{class="city",state="down"} 1');
    expect(text).not.toMatch(/govops_extranet_links\{[^}]*(dept-|city-3)/);
  });

  it('filters by state, class, region (a city takes its counties), department, agent and text', async () => {
    const codes = async (query: string) =>
      (await get(`/api/v1/links?${query}&limit=500`)).items.map((l: any) => l.code as string);
    expect(await codes('state=down')).toEqual(['city-340100', 'dept-340102-001']);
    expect(await codes('class=county&region=340100')).toHaveLength(9);
    expect((await get('/api/v1/links?region=340100&limit=1')).total).toBe(1 + hefeiDepartmentLinks);
    expect(await codes(`department=${own}`)).toEqual([`dept-${own}`]);
    expect(await codes('agent=agent-hf')).toEqual(['city-340100', 'dept-340102-001']);
    expect(await codes('q=瑶海区')).toEqual(expect.arrayContaining(['county-340102']));
    expect(await codes('q=COUNTY-34010')).toEqual(['county-340102', 'county-340103', 'county-340104']);
  });

  it('sorts by state (worst first), loss, RTT and since, and pages', async () => {
    await patch('/api/v1/links/dept-340200-001', { agent: 'agent-wh' });
    await patch('/api/v1/links/dept-340200-002', { agent: 'agent-wh' });
    const now = t.clock.now().getTime();
    await t.deps.links.recordRounds('agent-wh', [
      round('dept-340200-001', now - 30_000, 'lossy'),
      round('dept-340200-002', now - 30_000, 'slow'),
    ]);
    const first = async (query: string) => (await get(`/api/v1/links?${query}&limit=3`)).items.map((l: any) => l.code);
    expect(await first('sort=state')).toEqual(['city-340100', 'dept-340102-001', 'dept-340200-001']);
    // Equal figures keep the code order of the direction asked for.
    expect(await first('sort=loss&order=desc')).toEqual(['dept-340102-001', 'city-340100', 'dept-340200-001']);
    expect((await first('sort=rtt&order=desc'))[0]).toBe('dept-340200-002');
    expect((await first('sort=since&order=desc'))[0]).toBe('dept-340200-002');
    const page2 = await get('/api/v1/links?sort=code&limit=2&offset=2');
    expect(page2.total).toBe(3317);
    expect(page2.items.map((l: any) => l.code)).toEqual(['city-340200', 'city-340300']);
    const worst = (await get('/api/v1/extranet/overview')).worst;
    expect(worst.loss.map((l: any) => l.code)).toEqual(['dept-340200-001']);
    expect(worst.rtt.map((l: any) => l.code)).toEqual(['dept-340200-002', 'dept-340200-001']);
  });

  it('keeps a department user to their own department’s links: others are not found', async () => {
    const list = await get('/api/v1/links?limit=500', dept);
    expect(list.items.map((l: any) => l.code)).toEqual([`dept-${own}`]);
    expect(list.total).toBe(1);
    expect((await t.request(`/api/v1/links/dept-${own}`, { token: dept })).status).toBe(200);
    for (const path of [
      '/links/dept-340200-001',
      '/links/city-340100',
      '/links/city-340100/rounds',
      '/links/city-340100/availability',
    ]) {
      const res = await t.request(`/api/v1${path}`, { token: dept });
      expect(res.status, path).toBe(404);
      expect((await json(res)).error.code).toBe('link_not_found');
    }
    const overview = await get('/api/v1/extranet/overview', dept);
    expect(overview.totals).toEqual({
      links: 1,
      incidents: 1,
      counts: { up: 0, degraded: 0, down: 0, unknown: 0, affected: 1 },
    });
    expect(overview.incidents).toEqual([expect.objectContaining({ affectedCount: 1 })]);
    expect(overview.worst.longestDown).toEqual([]);
  });

  it('creates and changes links, checking every reference, refusing loops and duplicates', async () => {
    const body = {
      code: 'dept-T-1',
      name: '测试专线',
      class: 'department',
      parent: 'county-340102',
      region: '340102',
      department: own,
      agent: 'agent-hf',
      probe: { kind: 'tcp', host: '10.1.11.200', port: 443 },
    };
    const created = await post('/api/v1/links', body);
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({
      code: 'dept-T-1',
      state: 'unknown',
      since: t.clock.now().toISOString(),
      regionName: '瑶海区',
      departmentName: '合肥市委办公室',
      agentName: 'agent-hf',
      probe: { kind: 'tcp', host: '10.1.11.200', port: 443, intervalSeconds: 30, packets: 10, timeoutMs: 1000 },
      affectedBy: 'city-340100',
    });
    expect((await post('/api/v1/links', body)).status).toBe(409);

    const bad = async (change: Record<string, unknown>) =>
      fields(await post('/api/v1/links', { ...body, code: 'x-1', ...change }));
    expect(await bad({ probe: { kind: 'tcp', host: '10.0.0.1' } })).toEqual(['probe.port required']);
    expect(await bad({ probe: { kind: 'http', url: 'ftp://x' } })).toEqual(['probe.url invalid_format']);
    expect(await bad({ class: 'national' })).toEqual(['class invalid_value']);
    expect(await bad({ code: 'has space' })).toEqual(['code invalid_format']);
    expect(await bad({ parent: 'nowhere', agent: 'nobody', region: '999999', department: 'NOPE' })).toEqual([
      'parent unknown_link',
      'region unknown_region',
      'department unknown_department',
      'agent unknown_agent',
    ]);
    expect((await t.request('/api/v1/links/x-1', { token: ops })).status).toBe(404);

    const loop = await patch('/api/v1/links/city-340100', { parent: 'dept-T-1' });
    expect(loop.status).toBe(409);
    expect((await json(loop)).error.code).toBe('link_cycle');
    expect((await patch('/api/v1/links/bb-340000', { parent: 'bb-340000' })).status).toBe(409);
    expect((await patch('/api/v1/links/nowhere', { name: 'x' })).status).toBe(404);
    expect(await fields(await patch('/api/v1/links/dept-T-1', { code: 'renamed' }))).toEqual([
      '(body) unrecognized_keys',
    ]);

    const moved = await json(await patch('/api/v1/links/dept-T-1', { parent: 'bb-340000', name: '测试专线二' }));
    expect(moved).toMatchObject({ parent: 'bb-340000', name: '测试专线二', affectedBy: null, probe: { kind: 'tcp' } });
    const audit = await t.deps.audit.list({ limit: 50 });
    expect(audit.filter((r) => r.target === 'link:dept-T-1').map((r) => `${r.action} ${r.outcome}`)).toEqual(
      expect.arrayContaining(['link.create success', 'link.update success']),
    );
  });

  it('reads and replaces per-class thresholds, which apply from the next round', async () => {
    const classes = await get('/api/v1/link-classes');
    expect(classes.items.map((c: any) => [c.class, c.overridden, c.thresholds.maxLossRatio])).toEqual([
      ['backbone', false, 0.01],
      ['city', false, 0.02],
      ['county', false, 0.03],
      ['department', false, 0.05],
    ]);
    const lenient = { ...classes.items[3].defaults, maxLossRatio: 0.25 };
    expect(await fields(await put('/api/v1/link-classes/department', { ...lenient, maxLossRatio: 2 }))).toEqual([
      'maxLossRatio too_big',
    ]);
    expect(await fields(await put('/api/v1/link-classes/department', { maxRttMs: 10 }))).toContain(
      'maxLossRatio required',
    );
    expect((await put('/api/v1/link-classes/national', lenient)).status).toBe(404);
    expect((await put('/api/v1/link-classes/department', lenient, viewer)).status).toBe(403);
    const saved = await put('/api/v1/link-classes/department', lenient);
    expect(saved.status).toBe(200);
    expect(await json(saved)).toMatchObject({
      class: 'department',
      overridden: true,
      updatedBy: expect.stringMatching(/^token:test network-operator#/),
    });

    const now = t.clock.now().getTime();
    await t.deps.links.recordRounds('agent-wh', [round('dept-340200-001', now, 'lossy')]);
    expect((await get('/api/v1/links/dept-340200-001')).state).toBe('up');
    const audit = await t.deps.audit.list({ limit: 20 });
    expect(audit.some((r) => r.action === 'link_class.update' && r.target === 'link_class:department')).toBe(true);
  });

  it('works availability out from state changes, per day and month in the Beijing calendar', async () => {
    const now = t.clock.now().getTime();
    const code = 'dept-340200-003';
    expect((await patch(`/api/v1/links/${code}`, { agent: 'agent-wh' })).status).toBe(200);
    const h = 3_600_000;
    const at = (ms: number) => now - ms;
    await t.deps.links.recordRounds('agent-wh', [
      round(code, at(2 * h), 'ok'),
      round(code, at(h), 'fail'),
      round(code, at(h - 30_000), 'fail'),
      round(code, at(h - 60_000), 'fail'),
      round(code, at(h / 2), 'ok'),
      round(code, at(h / 2 - 30_000), 'ok'),
    ]);
    const view = await get(`/api/v1/links/${code}/availability`);
    const down = h - 60_000 - (h / 2 - 30_000);
    const known = 2 * h;
    expect(view.today).toMatchObject({
      upSeconds: (known - down - 60_000) / 1000,
      degradedSeconds: 60,
      downSeconds: down / 1000,
      ratio: (known - down) / known,
    });
    const localDay = new Date(now + 8 * h).toISOString().slice(0, 10);
    expect(view.today.period).toBe(localDay);
    expect(view.days).toHaveLength(30);
    expect(view.days.at(-1)).toMatchObject({ period: localDay, downSeconds: down / 1000 });
    expect(view.days[0].ratio).toBeNull();
    expect(view.months).toHaveLength(12);
    expect(view.months.at(-1)).toMatchObject({ period: localDay.slice(0, 7), downSeconds: down / 1000 });

    const rounds = await get(`/api/v1/links/${code}/rounds?limit=2`);
    expect(rounds.items.map((r: any) => r.startedAt)).toEqual(
      [h / 2 - 30_000, h / 2].map((ms) => new Date(at(ms)).toISOString()),
    );
    expect(await fields(await t.request(`/api/v1/links/${code}/rounds?limit=0`, { token: viewer }))).toEqual([
      'limit too_small',
    ]);
  });
});
