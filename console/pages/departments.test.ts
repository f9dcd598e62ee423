import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestConsole, testConsole, type Session } from '../testing/harness.ts';

/** The department codes in the list's rows, in order. */
function rowCodes(page: string): string[] {
  return [...page.matchAll(/<tr><td><a href="\/departments\/([^"]+)">/g)].map((m) => m[1]!);
}

/** The href of a link marked rel="next", as a browser would follow it. */
function nextHref(page: string): string | undefined {
  return page.match(/<a href="([^"]+)" rel="next">/)?.[1]?.replaceAll('&amp;', '&');
}

describe('departments list', () => {
  let t: TestConsole;
  let ops: Session;
  beforeAll(async () => {
    t = await testConsole();
    ops = await t.signIn('ops', ['cloud-operator']);
  });
  afterAll(() => t.dispose());

  const get = (path: string, s: Session = ops, lang?: string) => t.visit(path, s, lang);

  it('shows the first 50 of 3,196 departments, in Chinese by default', async () => {
    const res = await get('/departments');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>委办局</h1>');
    expect(page).toContain('共 3,196 条');
    expect(page).toContain('演示数据');
    expect(rowCodes(page)).toHaveLength(50);
    expect(rowCodes(page)[0]).toBe('340000-001');
  });

  it('speaks English when the browser asks for it', async () => {
    const page = await (await get('/departments', ops, 'en-GB,en;q=0.9')).text();
    expect(page).toContain('<h1>Departments</h1>');
    expect(page).toContain('3,196 in total');
    expect(page).toContain('Next page');
    expect(page).not.toContain('委办局</h1>');
  });

  it('filters by level and search text together', async () => {
    const page = await (await get('/departments?level=county&q=%E8%82%A5%E4%B8%9C', ops, 'en')).text();
    const codes = rowCodes(page);
    expect(codes.length).toBeGreaterThan(0);
    // 肥东县 (340122) is a county of Hefei: every row is one of its county departments.
    expect(codes.every((c) => c.startsWith('340122-'))).toBe(true);
    expect(page.match(/<td>County<\/td>/g)).toHaveLength(codes.length);
    expect(page).toContain(`${codes.length} in total`);
    expect(page).toMatch(/<option value="county" selected>/);
  });

  it('narrows to a city and its counties with the region filter', async () => {
    const page = await (await get('/departments?region=340100')).text();
    const total = Number(page.match(/共 ([\d,]+) 条/)![1]!.replace(',', ''));
    expect(total).toBeGreaterThan(50);
    expect(total).toBeLessThan(3196);
    expect(rowCodes(page).every((c) => c.startsWith('3401'))).toBe(true);
    const county = await (await get('/departments?region=340102')).text();
    expect(rowCodes(county).every((c) => c.startsWith('340102-'))).toBe(true);
  });

  it('pages with the next-page link to different rows, keeping the filters', async () => {
    const first = await (await get('/departments?level=city')).text();
    const href = nextHref(first);
    expect(href).toMatch(/^\/departments\?level=city&sort=code&order=asc&cursor=/);
    const second = await (await get(href!)).text();
    const a = rowCodes(first);
    const b = rowCodes(second);
    expect(b).toHaveLength(50);
    expect(b.filter((c) => a.includes(c))).toEqual([]);
    expect(b[0]! > a.at(-1)!).toBe(true);
    expect(second).toContain('第一页');
  });

  it('sorts by a column header link, both ways', async () => {
    const page = await (await get('/departments', ops, 'en')).text();
    const byCode = page.match(/<a href="([^"]+)">Code ▲<\/a>/)?.[1]?.replaceAll('&amp;', '&');
    expect(byCode).toBe('/departments?sort=code&order=desc');
    const desc = rowCodes(await (await get(byCode!)).text());
    expect(desc[0]! > desc[1]!).toBe(true);
    const byName = rowCodes(await (await get('/departments?sort=name&order=asc')).text());
    expect(byName).toHaveLength(50);
  });

  it('exports the filtered list as CSV, and audits the export', async () => {
    const res = await get('/departments/export.csv?region=340102');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split(/\r?\n/);
    expect(lines[0]).toContain('code,name,level,region');
    expect(lines.slice(1).every((l) => l.startsWith('340102-'))).toBe(true);
    const [record] = await t.deps.audit.list({ action: 'department.export', limit: 1 });
    expect(record).toMatchObject({ actor: 'ops', outcome: 'success' });
  });

  it('shows a department user only their own department, and refuses another', async () => {
    const own = await t.signIn('hf-office', ['department-user'], '340100-001');
    const page = await (await get('/departments', own)).text();
    expect(rowCodes(page)).toEqual(['340100-001']);
    expect(page).toContain('共 1 条');
    expect((await get('/departments/340100-001', own)).status).toBe(200);
    const other = await get('/departments/340100-002', own);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('您只能查看本单位的数据。');
    const [denied] = await t.deps.audit.list({ actor: 'hf-office', outcome: 'denied', limit: 1 });
    expect(denied?.target).toBe('/departments/340100-002');
  });

  it('sends visitors without a session to sign in', async () => {
    const res = await t.request('/departments');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdepartments');
  });
});
