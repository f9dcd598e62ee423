import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';

const pgUp = await postgresAvailable();

describe.each(backends)('departments API on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let admin: string;
  let viewer: string;
  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    admin = await t.tokenFor('system-admin');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const count = async () => (await json(await t.request('/api/v1/departments?limit=1', { token: viewer }))).total;

  it.runIf(enabled)('lists the demo province: 3,196 departments with code, name, level and region', async () => {
    const page = await json(await t.request('/api/v1/departments?limit=50', { token: viewer }));
    expect(page.total).toBe(3196);
    expect(page.items).toHaveLength(50);
    expect(Object.keys(page.items[0]).sort()).toEqual(['code', 'demo', 'level', 'name', 'region', 'regionName']);
  });

  it.runIf(enabled)('walks every page with the cursor, each department once', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page: any = await json(
        await t.request(`/api/v1/departments?limit=500&level=county&sort=name${q}`, { token: viewer }),
      );
      for (const d of page.items) seen.add(d.code);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(1900);
  });

  it.runIf(enabled)('filters by level, region (with everything below it) and text', async () => {
    const hefei = await json(await t.request('/api/v1/departments?region=340100&limit=500', { token: viewer }));
    // Hefei's own 75 departments and those of its counties and districts.
    expect(hefei.total).toBeGreaterThan(75);
    expect(hefei.items.every((d: any) => d.region === '340100' || d.region.startsWith('3401'))).toBe(true);
    const county = await json(await t.request('/api/v1/departments?region=340100&level=city', { token: viewer }));
    expect(county.total).toBe(75);
    const text = await json(
      await t.request(`/api/v1/departments?q=${encodeURIComponent('教育')}&level=provincial`, { token: viewer }),
    );
    expect(text.total).toBeGreaterThan(0);
    expect(text.items.every((d: any) => d.name.includes('教育'))).toBe(true);
  });

  it.runIf(enabled)('answers 400 naming the field for a bad query, in the caller’s language', async () => {
    const res = await t.request('/api/v1/departments?limit=0&level=village', {
      token: viewer,
      headers: { 'accept-language': 'en' },
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.fields.map((f: any) => f.field).sort()).toEqual(['level', 'limit']);
    expect(body.error.message).toMatch(/limit/);
    const zh = await json(
      await t.request('/api/v1/departments?limit=0', { token: viewer, headers: { 'accept-language': 'zh-CN' } }),
    );
    expect(zh.error.fields[0].message).toMatch(/最小/);
  });

  it.runIf(enabled)('refuses a tampered cursor with 400, not 500', async () => {
    const res = await t.request('/api/v1/departments?cursor=not-a-cursor', { token: viewer });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('bad_cursor');
  });

  it.runIf(enabled)(
    'creates a department, refuses a duplicate with 409 and a bad one with 400, changing nothing',
    async () => {
      const before = await count();
      const body = { code: 'NEW-1', name: '安徽省测试局', level: 'provincial', region: '340000' };
      const created = await t.request('/api/v1/departments', {
        method: 'POST',
        token: admin,
        body: JSON.stringify(body),
      });
      expect(created.status).toBe(201);
      expect(await json(created)).toMatchObject({ code: 'NEW-1', name: '安徽省测试局', regionName: '安徽省' });
      const dup = await t.request('/api/v1/departments', { method: 'POST', token: admin, body: JSON.stringify(body) });
      expect(dup.status).toBe(409);
      const mismatch = await t.request('/api/v1/departments', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ ...body, code: 'NEW-2', level: 'county' }),
      });
      expect(mismatch.status).toBe(400);
      expect((await json(mismatch)).error.fields[0]).toMatchObject({ field: 'level', rule: 'level_region_mismatch' });
      const unknown = await t.request('/api/v1/departments', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ ...body, code: 'NEW-3', extra: 1 }),
      });
      expect(unknown.status).toBe(400);
      expect(await count()).toBe(before + 1);
    },
  );

  it.runIf(enabled)('answers the same department created twice at once with one 201 and 409s, never 500', async () => {
    const body = JSON.stringify({ code: 'RACE-1', name: '安徽省并发测试局', level: 'provincial', region: '340000' });
    const statuses = await Promise.all(
      Array.from(
        { length: 5 },
        async () => (await t.request('/api/v1/departments', { method: 'POST', token: admin, body })).status,
      ),
    );
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it.runIf(enabled)('answers malformed JSON with 400 and an unknown department with 404', async () => {
    const bad = await t.request('/api/v1/departments', { method: 'POST', token: admin, body: '{"code": ' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('bad_json');
    const missing = await t.request('/api/v1/departments/NOPE', { token: viewer });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('department_not_found');
  });

  it.runIf(enabled)('imports nothing when any line is bad, and reports every bad line', async () => {
    const before = await count();
    const csv = [
      'code,name,level,region',
      'IMP-1,安徽省导入一局,provincial,340000',
      'IMP-2,,provincial,340000',
      'IMP-3,安徽省导入三局,county,340000',
      'IMP-1,重复,provincial,340000',
    ].join('\n');
    const res = await t.request('/api/v1/departments/import', {
      method: 'POST',
      token: admin,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(400);
    const lines = (await json(res)).error.fields.map((f: any) => f.field);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 3/),
        expect.stringMatching(/^line 4/),
        expect.stringMatching(/^line 5/),
      ]),
    );
    expect(await count()).toBe(before);
  });

  it.runIf(enabled)('imports a good file and exports it back as CSV with Chinese names', async () => {
    const csv = '编码,名称,级别,所属区划\nIMP-9,安徽省导入九局,省级,340000\n340100-001,合肥市改名局,市级,340100\n';
    const res = await t.request('/api/v1/departments/import', {
      method: 'POST',
      token: admin,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ created: 1, updated: 1 });
    const exported = await t.request('/api/v1/departments/export?q=IMP-9', { token: viewer });
    expect(exported.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await exported.text()).toContain('IMP-9,安徽省导入九局,provincial,340000');
  });

  it.runIf(enabled)('refuses bodies over 1 MiB with 413', async () => {
    const res = await t.request('/api/v1/departments/import', {
      method: 'POST',
      token: admin,
      body: 'x'.repeat(1024 * 1024 + 10),
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
  });

  it.runIf(enabled)('answers an unknown API route with a JSON 404', async () => {
    const res = await t.request('/api/v1/nothing-here', { token: viewer });
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('route_not_found');
  });

  it.runIf(enabled)('audits every change with actor, action, target and outcome', async () => {
    const records = await t.deps.audit.list({ action: 'department.create', limit: 10 });
    const outcomes = records.filter((r) => r.target === 'department:NEW-1').map((r) => r.outcome);
    expect(outcomes.sort()).toEqual(['failure', 'success']);
    expect(records.every((r) => r.actor.startsWith('token:test system-admin#') && r.role === 'system-admin')).toBe(
      true,
    );
  });
});
