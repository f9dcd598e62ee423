import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoSystems } from '../../systems/testing.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';

/** The text of an element's content with tags removed and whitespace squeezed. */
const text = (fragment: string | undefined) =>
  (fragment ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const row = (page: string, id: string) => page.match(new RegExp(`<tr id="${id}">([\\s\\S]*?)</tr>`))?.[1];
const rowIds = (page: string) => [...page.matchAll(/<tr id="system-([^"]+)">/g)].map((m) => m[1]);

const hefeiExchange = '340100-044-exchange';
const feixiFrontend = '340123-019-frontend';

describe('systems pages', () => {
  let t: TestConsole;
  let ops: Session;
  let viewer: Session;
  let feixi: Session;
  const page = async (path: string, s: Session, lang = 'en') => {
    const res = await t.visit(path, s, lang);
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    t = await testConsole();
    await ensureDemoSystems(t.deps.uow, t.clock.now());
    ops = await t.signIn('cloudops', ['cloud-operator']);
    viewer = await t.signIn('watcher', ['viewer']);
    feixi = await t.signIn('fx-data', ['department-user'], '340123-019');
  });
  afterAll(() => t.dispose());

  it('lists every system in Chinese and English with totals, flags counts and a pager', async () => {
    const zh = await page('/systems', viewer, 'zh-CN');
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<h1>信息系统</h1>');
    expect(zh.text).toContain('共 1,473');
    // The flagged count is the number of systems the flag's own filter lists (the demo's DR data has some).
    const flaggedTotal = (await page('/systems?flag=target-not-met', viewer, 'zh-CN')).text.match(/共 ([\d,]+)/)?.[1];
    expect(flaggedTotal).toMatch(/^[1-9]/);
    expect(zh.text).toContain(`未达灾备目标: <b>${flaggedTotal}</b>`);
    expect(rowIds(zh.text)).toHaveLength(50);
    expect(zh.text).toMatch(/href="\/systems\?sort=code&amp;order=asc&amp;offset=50" rel="next"/);

    const en = await page('/systems?sort=code&order=desc', viewer);
    expect(en.text).toContain('<h1>Information systems</h1>');
    expect(rowIds(en.text)[0]).toBe('341882-010-stats');
    expect(en.text).not.toContain('href="/systems/new"');
    expect((await page('/systems', ops)).text).toContain('href="/systems/new"');
  });

  it('filters by level, MLPS, hosting, state and region, keeping the filters in export links', async () => {
    const county = await page('/systems?level=county&mlps=none', viewer);
    const ids = rowIds(county.text);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(text(row(county.text, `system-${id}`))).toContain('Not graded');
    expect(county.text).toContain('href="/systems/export.csv?level=county&amp;mlps=none"');

    const cloud = await page('/systems?hosting=cloud&state=none&region=340100', viewer);
    for (const id of rowIds(cloud.text)) {
      expect(text(row(cloud.text, `system-${id}`))).toContain('Government cloud (prod-hefei)');
      expect(text(row(cloud.text, `system-${id}`))).toContain('No request');
    }
    expect(cloud.text).toMatch(/<option value="cloud" selected>/);

    const exchange = await page(`/systems?q=${encodeURIComponent('合肥市数据共享交换平台')}`, viewer);
    // Its DR flags (from the demo's DR data) sit between the migration state and the update time.
    const exchangeRow = text(row(exchange.text, `system-${hefeiExchange}`));
    expect(exchangeRow).toContain(
      `${hefeiExchange} 合肥市数据共享交换平台 合肥市数据资源管理局 合肥市 Level 3 E-government extranet Government cloud (prod-hefei) No request`,
    );
    expect(exchangeRow).toMatch(/ 2026-11-21 08:00$/);
  });

  it('sorts by MLPS level, highest first', async () => {
    const byLevel = await page('/systems?sort=mlps&order=desc', viewer);
    expect(byLevel.text).toContain('aria-sort="descending"');
    expect(text(row(byLevel.text, `system-${rowIds(byLevel.text)[0]}`))).toContain('Level 4');
  });

  it('shows a department user their own systems only', async () => {
    const list = await page('/systems', feixi);
    expect(rowIds(list.text)).toEqual([feixiFrontend]);
    expect(list.text).not.toContain('name="department"');
    expect((await page(`/systems/${hefeiExchange}`, feixi)).status).toBe(404);
  });

  it('shows a system’s facts, targets and dependencies both ways, with edit for those who may', async () => {
    const detail = await page(`/systems/${hefeiExchange}`, viewer);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('<h1>System 合肥市数据共享交换平台</h1>');
    expect(detail.text).toContain('<dd class="mlps">Level 3</dd>');
    expect(detail.text).toMatch(/<dd class="rpo">(1 min|5 min|15 min)<\/dd>/);
    expect(detail.text).toContain('href="/systems/340000-047-exchange"');
    expect(detail.text).toContain(`href="/systems/${feixiFrontend}"`);
    expect(detail.text).not.toContain('/edit"');
    const asOps = await page(`/systems/${hefeiExchange}`, ops, 'zh-CN');
    expect(asOps.text).toContain(`href="/systems/${hefeiExchange}/edit"`);
    expect(asOps.text).toContain('被以下系统依赖');
  });

  it('registers a system through the form, re-showing problems beside their fields', async () => {
    const bad = await t.submit(
      '/systems',
      { code: 'FX-PAGE', name: '', network: 'extranet', hosting: 'cloud', hostingSite: '', dependsOn: 'GHOST' },
      feixi,
      'en',
    );
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('is required');
    expect(html).toContain('value="FX-PAGE"');
    expect(html).toContain('Your department: 340123-019');

    const good = await t.submit(
      '/systems',
      {
        code: 'FX-PAGE',
        name: '肥西县数据目录系统',
        mlpsLevel: '2',
        network: 'extranet',
        hosting: 'own-machine-room',
        dependsOn: feixiFrontend,
      },
      feixi,
    );
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/systems/FX-PAGE?created=1');
    const shown = await page(good.headers.get('location')!, feixi);
    expect(shown.text).toContain(`href="/systems/${feixiFrontend}"`);
    expect(shown.text).toContain('The system was registered.');
  });

  it('refuses a dependency cycle from the form, naming it', async () => {
    const res = await t.submit(
      `/systems/${feixiFrontend}/dependencies`,
      { dependsOn: 'FX-PAGE', version: '1' },
      feixi,
      'en',
    );
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(
      `These dependencies would form a cycle: ${feixiFrontend} → FX-PAGE → ${feixiFrontend}.`,
    );
  });

  it('imports nothing from a file with a bad line, listing each problem', async () => {
    const csv =
      'code,name,department,network,hosting,mlpsLevel\nOK-1,好系统,340123-019,extranet,own-machine-room,2\nBAD-1,坏系统,340123-019,satellite,own-machine-room,7\n';
    const res = await t.submit('/systems/import', { csv }, feixi, 'en');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('1 lines have problems; nothing was imported.');
    expect(html).toContain('must be one of: extranet, internet, private');
    expect((await page('/systems/OK-1', feixi)).status).toBe(404);

    const ok = await t.submit('/systems/import', { csv: csv.split('\n').slice(0, 2).join('\n') }, feixi);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/systems?created=1&updated=0');
  });
});
