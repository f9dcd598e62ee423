import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentRow, round } from '../../extranet/testing.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';

/** The text of an element's content with tags removed and whitespace squeezed. */
const text = (fragment: string | undefined) =>
  (fragment ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
/** The table row with the given id. */
const row = (page: string, id: string) => page.match(new RegExp(`<tr id="${id}">([\\s\\S]*?)</tr>`))?.[1];
const rowsOf = (page: string, tableClass: string) =>
  page.match(new RegExp(`<table class="${tableClass}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`))?.[1]?.match(/<tr/g)
    ?.length ?? 0;

describe('extranet pages', () => {
  let t: TestConsole;
  let netops: Session;
  let viewer: Session;
  let hefei: Session;
  const page = async (path: string, s: Session, lang?: string) => {
    const res = await t.visit(path, s, lang);
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    t = await testConsole();
    // Rounds in these tests come after the demo links were defined (a link is unknown from then).
    t.clock.advance(3_600_000);
    netops = await t.signIn('netops', ['network-operator']);
    viewer = await t.signIn('watcher', ['viewer']);
    hefei = await t.signIn('hf-office', ['department-user'], '340100-001');
    await t.store.db.insertInto('agents').values(agentRow('agent-hf', t.clock.now().toISOString())).execute();
  });
  afterAll(() => t.dispose());

  it('shows the overview in Chinese and English: levels × states, the region tree, no incidents yet', async () => {
    const zh = await page('/extranet', viewer, 'zh-CN');
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<h1>电子政务外网总览</h1>');
    expect(zh.text).toContain('<b>3,317</b>条链路');
    expect(text(row(zh.text, 'class-department'))).toBe('部门接入 0 0 0 3,196 0 3,196');
    expect(zh.text).toContain('无故障：没有中断的链路。');
    expect(zh.text).toMatch(/<details class="city" id="city-340100">\s*<summary><b>合肥市<\/b>/);
    expect(text(row(zh.text, 'region-340102'))).toMatch(/^瑶海区 0 0 0 \d+ 0 \d+$/);

    const en = await page('/extranet', viewer, 'en');
    expect(en.text).toContain('<h1>Extranet overview</h1>');
    expect(text(row(en.text, 'class-backbone'))).toBe('Provincial backbone 0 0 0 1 0 1');
    expect(en.text).toContain('Links stay unknown until an agent measures them.');
    expect(en.text).toContain('href="/extranet/links?class=department&amp;state=unknown"');
    expect(en.text).not.toContain('href="/extranet/links/new"');
    expect((await page('/extranet', netops, 'en')).text).toContain('href="/extranet/links/new"');
  });

  it('reads a cut city as one incident with its affected count, the city opened in the tree', async () => {
    await t.deps.links.update(
      { kind: 'user', id: 'x', name: 'x', roles: ['network-operator'], department: null },
      'city-340100',
      { agent: 'agent-hf' },
    );
    const now = t.clock.now().getTime();
    await t.deps.links.recordRounds(
      'agent-hf',
      [90_000, 60_000, 30_000].map((ago) => round('city-340100', now - ago, 'fail')),
    );
    const en = await page('/extranet', netops, 'en');
    const incidents = en.text.match(/<table class="incidents">[\s\S]*?<\/table>/)?.[0];
    expect(text(incidents)).toMatch(/city-340100 合肥市电子政务外网城域网 City [\d-]+ [\d:]+ 255$/);
    expect(en.text).toMatch(/<details class="city" id="city-340100" open>/);
    expect(en.text).not.toMatch(/<details class="city" id="city-340200" open>/);
    expect(text(row(en.text, 'region-340100'))).toBe('合肥市 1 0 0 0 255 256');
    const zh = await page('/extranet', netops, 'zh-CN');
    expect(zh.text).toContain('<th>受上级影响</th>');
  });

  it('lists links with filters, sorting and pages, and marks what an incident explains', async () => {
    const cities = await page('/extranet/links?class=city', viewer, 'en');
    expect(cities.status).toBe(200);
    expect(rowsOf(cities.text, 'links')).toBe(16);
    expect(cities.text).toContain('16 in total');
    expect(text(row(cities.text, 'link-city-340100'))).toMatch(
      /^city-340100 合肥市电子政务外网城域网 City 合肥市 Down .* 100 % – agent-hf$/,
    );
    expect(cities.text).toContain('href="/agents/agent-hf"');

    const below = await page('/extranet/links?region=340102&sort=name&order=desc', viewer, 'zh-CN');
    expect(below.text).toContain('上级 city-340100 中断');
    expect(below.text).toContain('aria-sort="descending"');
    expect(below.text).toContain('<option value="340100">');

    const all = await page('/extranet/links', viewer, 'en');
    expect(rowsOf(all.text, 'links')).toBe(50);
    expect(all.text).toContain('Showing 1–50 of 3,317');
    expect(all.text).toContain('href="/extranet/links?sort=code&amp;order=asc&amp;offset=50" rel="next"');
    expect(all.text).toContain('hx-get="/extranet/links"');
    const nothing = await page('/extranet/links?q=nothing-like-this', viewer, 'en');
    expect(nothing.text).toContain('Nothing to show.');
  });

  it('shows a link: status, thresholds in force, history, rounds and availability', async () => {
    const zh = await page('/extranet/links/city-340100', viewer, 'zh-CN');
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<h1>链路 合肥市电子政务外网城域网</h1>');
    expect(zh.text).toContain('ICMP 探测 10.1.0.1：每 30 秒 10 个包，超时 1000 毫秒');
    expect(zh.text).toContain('连续多轮无应答');
    expect(zh.text).toContain('按日（最近 30 天）');
    expect(rowsOf(zh.text, 'availability days')).toBe(30);
    expect(rowsOf(zh.text, 'availability months')).toBe(12);
    expect(rowsOf(zh.text, 'rounds')).toBe(3);
    expect(rowsOf(zh.text, 'events')).toBe(2);

    const en = await page('/extranet/links/city-340100', viewer, 'en');
    expect(en.text).toContain('Thresholds in force for its level');
    expect(text(en.text.match(/<table class="thresholds">[\s\S]*?<\/table>/)?.[0])).toBe(
      'Max loss (0–1) 0.02 Max average round trip (ms) 100 Failed rounds before down 3 Good rounds before up 2 Silent intervals before unknown 3',
    );
    expect(en.text).toMatch(/<dd class="today">\d+(\.\d+)? %<\/dd>/);
    expect(en.text).not.toContain('/edit');
    expect((await page('/extranet/links/city-340100', netops, 'en')).text).toContain(
      'href="/extranet/links/city-340100/edit"',
    );
    expect((await page('/extranet/links/nowhere', viewer, 'en')).status).toBe(404);
  });

  it('keeps a department user to their own department’s links', async () => {
    const list = await page('/extranet/links', hefei, 'en');
    expect(rowsOf(list.text, 'links')).toBe(1);
    expect(list.text).toContain('id="link-dept-340100-001"');
    expect((await page('/extranet/links/dept-340100-001', hefei, 'en')).status).toBe(200);
    expect((await page('/extranet/links/dept-340200-001', hefei, 'en')).status).toBe(404);
    expect((await page('/extranet/links/city-340100', hefei, 'en')).status).toBe(404);
    expect((await page('/extranet/links/new', hefei, 'en')).status).toBe(403);
    const overview = await page('/extranet', hefei, 'en');
    expect(overview.text).toContain('<b>1</b>links');
  });

  it('creates and edits a link from the forms, with the API’s rules beside the fields', async () => {
    const form = await page('/extranet/links/new', netops, 'en');
    expect(form.status).toBe(200);
    for (const name of [
      'code',
      'name',
      'class',
      'parent',
      'region',
      'department',
      'agent',
      'kind',
      'host',
      'port',
      'url',
    ])
      expect(form.text).toContain(`name="${name}"`);
    const fields = {
      code: 'dept-T-9',
      name: '测试专线',
      class: 'department',
      parent: 'county-340102',
      region: '340102',
      department: '340100-001',
      agent: '',
      kind: 'tcp',
      host: '10.1.11.99',
      port: '',
      url: '',
      intervalSeconds: '',
      packets: '',
      timeoutMs: '',
    };
    const refused = await t.submit('/extranet/links', fields, netops, 'en');
    expect(refused.status).toBe(400);
    const refusedText = await refused.text();
    expect(refusedText).toMatch(/name="port"[^>]*aria-invalid="true"/);
    expect(refusedText).toContain('is required');
    expect(refusedText).toContain('value="10.1.11.99"');

    const created = await t.submit('/extranet/links', { ...fields, port: '443' }, netops, 'en');
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/extranet/links/dept-T-9?created=1');
    const shown = await page('/extranet/links/dept-T-9?created=1', netops, 'zh-CN');
    expect(shown.text).toContain('链路已创建');
    expect(shown.text).toContain('TCP 探测 10.1.11.99:443');

    const duplicate = await t.submit('/extranet/links', { ...fields, port: '443' }, netops, 'zh-CN');
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain('编码为 dept-T-9 的链路已存在。');

    const loop = await t.submit(
      '/extranet/links/city-340100',
      { ...fields, port: '443', class: 'city', parent: 'dept-T-9' },
      netops,
      'en',
    );
    expect(loop.status).toBe(409);
    expect(await loop.text()).toMatch(/the tree would loop/);

    const edit = await page('/extranet/links/dept-T-9/edit', netops, 'en');
    expect(edit.text).toContain('value="443"');
    expect(edit.text).not.toContain('name="code"');
    const saved = await t.submit(
      '/extranet/links/dept-T-9',
      { ...fields, kind: 'http', url: 'https://portal.example.gov.cn/health', host: '', agent: 'agent-hf' },
      netops,
      'en',
    );
    expect(saved.status).toBe(303);
    const after = await t.deps.links.get(
      { kind: 'user', id: 'x', name: 'x', roles: ['viewer'], department: null },
      'dept-T-9',
    );
    expect(after).toMatchObject({
      agent: 'agent-hf',
      probe: { kind: 'http', url: 'https://portal.example.gov.cn/health' },
    });
    const audit = await t.deps.audit.list({ limit: 20 });
    expect(
      audit.some((r) => r.action === 'link.update' && r.target === 'link:dept-T-9' && r.outcome === 'success'),
    ).toBe(true);
  });

  it('shows thresholds per level and lets an operator change them', async () => {
    const view = await page('/extranet/thresholds', viewer, 'en');
    expect(view.status).toBe(200);
    expect(view.text).not.toContain('<form method="post" action="/extranet/thresholds/');
    const ops = await page('/extranet/thresholds', netops, 'zh-CN');
    expect(ops.text).toContain('action="/extranet/thresholds/county"');
    const values = {
      maxLossRatio: '0.04',
      maxRttMs: '180',
      downAfterFailedRounds: '4',
      upAfterGoodRounds: '2',
      unknownAfterIntervals: '3',
    };
    const bad = await t.submit('/extranet/thresholds/county', { ...values, maxLossRatio: '1.5' }, netops, 'en');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/name="maxLossRatio" value="1.5"[^>]*aria-invalid="true"/);
    expect((await t.submit('/extranet/thresholds/county', values, viewer, 'en')).status).toBe(403);
    const ok = await t.submit('/extranet/thresholds/county', values, netops, 'en');
    expect(ok.status).toBe(303);
    const after = await page('/extranet/thresholds?saved=county', viewer, 'en');
    expect(after.text).toContain('Thresholds for County saved.');
    expect(after.text).toContain('0.04 <small class="muted">(default 0.03)</small>');
    expect(after.text).toMatch(/changed by netops at/);
  });
});
