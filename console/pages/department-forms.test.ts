import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/principal.ts';
import { type TestConsole, testConsole, type Session } from '../testing/harness.ts';

/** A reader who sees every department, for counting what the store holds. */
const everyone: Principal = { kind: 'user', id: 'test', name: 'test', roles: ['viewer'], department: null };

describe('department forms: create, edit, import', () => {
  let t: TestConsole;
  let sys: Session;
  beforeAll(async () => {
    t = await testConsole();
    sys = await t.signIn('sys', ['system-admin']);
  });
  afterAll(() => t.dispose());

  const post = (path: string, fields: Record<string, string>, s: Session = sys, lang?: string) =>
    t.submit(path, fields, s, lang);
  const total = async () => (await t.deps.org.listDepartments(everyone, { limit: 1 })).total;

  it('re-renders the new-department form with a field error when the name is empty (400)', async () => {
    const fields = { code: 'X-EMPTY', name: '  ', level: 'provincial', region: '340000' };
    const en = await post('/departments', fields, sys, 'en');
    expect(en.status).toBe(400);
    const page = await en.text();
    expect(page).toContain('<h1>New department</h1>');
    expect(page).toMatch(/name="name"[^>]*>\s*<p class="field-error" role="alert">is required<\/p>/);
    expect(page).toContain('value="X-EMPTY"'); // what was typed is kept
    const zh = await post('/departments', fields);
    expect(zh.status).toBe(400);
    expect(await zh.text()).toContain('<p class="field-error" role="alert">为必填项</p>');
    expect((await t.deps.org.listDepartments(everyone, { q: 'X-EMPTY' })).total).toBe(0);
  });

  it('creates a department and shows it (POST, then 303 to its page), audited', async () => {
    const res = await post('/departments', {
      code: 'AH-DSJ',
      name: '省数据资源局',
      level: 'provincial',
      region: '340000',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/departments/AH-DSJ?created=1');
    const page = await (await t.request('/departments/AH-DSJ?created=1', { cookie: sys.cookie })).text();
    expect(page).toContain('委办局已创建。');
    expect(page).toContain('<dd>省数据资源局</dd>');
    const [record] = await t.deps.audit.list({ action: 'department.create', limit: 1 });
    expect(record).toMatchObject({ actor: 'sys', target: 'department:AH-DSJ', outcome: 'success' });
  });

  it('puts a taken code and a level that does not fit the region beside their fields', async () => {
    const taken = await post(
      '/departments',
      { code: 'AH-DSJ', name: '重复', level: 'provincial', region: '340000' },
      sys,
      'en',
    );
    expect(taken.status).toBe(409);
    expect(await taken.text()).toMatch(/name="code"[\s\S]*?A department with code AH-DSJ already exists\./);
    const mismatch = await post(
      '/departments',
      { code: 'X-2', name: '某局', level: 'county', region: '340100' },
      sys,
      'en',
    );
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('level does not match the kind of region');
  });

  it('edits a department from its page, with field errors when refused', async () => {
    const bad = await post('/departments/AH-DSJ', { name: '', level: 'provincial', region: '340000' }, sys, 'en');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('is required');
    const ok = await post('/departments/AH-DSJ', {
      name: '安徽省数据资源管理局',
      level: 'provincial',
      region: '340000',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/departments/AH-DSJ?saved=1');
    expect((await t.deps.org.getDepartment('AH-DSJ')).name).toBe('安徽省数据资源管理局');
  });

  it('shows names exactly as typed, never as markup', async () => {
    const name = '<script>alert("x")</script>局';
    expect((await post('/departments', { code: 'X-HTML', name, level: 'provincial', region: '340000' })).status).toBe(
      303,
    );
    const page = await (await t.request('/departments?q=X-HTML', { cookie: sys.cookie })).text();
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;局');
    expect(page).not.toContain('<script>alert');
  });

  it('refuses the forms to roles without org:write', async () => {
    const viewer = await t.signIn('v1', ['viewer']);
    expect((await t.request('/departments/new', { cookie: viewer.cookie })).status).toBe(403);
    expect((await t.request('/departments/import', { cookie: viewer.cookie })).status).toBe(403);
    const res = await post(
      '/departments',
      { code: 'V-1', name: '某局', level: 'provincial', region: '340000' },
      viewer,
    );
    expect(res.status).toBe(403);
    const page = await (await t.request('/departments/340000-001', { cookie: viewer.cookie })).text();
    expect(page).not.toContain('action="/departments/340000-001"'); // no edit form
    const list = await (await t.request('/departments', { cookie: viewer.cookie })).text();
    expect(list).not.toContain('href="/departments/new"');
  });

  it('imports nothing and lists every bad line when the CSV has errors', async () => {
    const before = await total();
    const csv = [
      'code,name,level,region',
      'IMP-1,省甲局,provincial,340000',
      'IMP-2,,provincial,340000',
      'IMP-3,市乙局,city,999999',
      'IMP-4,市丙局,city,340100',
    ].join('\n');
    const res = await post('/departments/import', { csv }, sys, 'en');
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('2 lines have errors; nothing was imported.');
    expect(page).toMatch(/<tr><td>3<\/td><td>Name<\/td><td><code><\/code><\/td><td>is required<\/td><\/tr>/);
    expect(page).toMatch(
      /<tr><td>4<\/td><td>Region<\/td><td><code>999999<\/code><\/td><td>names a region that does not exist<\/td><\/tr>/,
    );
    expect(page).toContain('IMP-4,市丙局,city,340100</textarea>'); // pasted text comes back for fixing
    expect(await total()).toBe(before);
    const zh = await (await post('/departments/import', { csv })).text();
    expect(zh).toContain('2 行有错误，未导入任何数据。');
    expect(zh).toContain('所指行政区划不存在');
  });

  it('imports an uploaded file and says how many were new and updated', async () => {
    const before = await total();
    const form = new FormData();
    form.set('_csrf', sys.csrf);
    const csv = '编码,名称,级别,所属区划\nIMP-9,省丁局,省级,340000\n340000-001,安徽省纪委监委机关,provincial,340000\n';
    form.set('file', new File([csv], 'departments.csv', { type: 'text/csv' }));
    const res = await t.request('/departments/import', { method: 'POST', cookie: sys.cookie, body: form });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/departments?created=1&updated=1');
    expect(await total()).toBe(before + 1);
    const page = await (await t.request(res.headers.get('location')!, { cookie: sys.cookie })).text();
    expect(page).toContain('已导入：新增 1 个，更新 1 个委办局。');
    const [record] = await t.deps.audit.list({ action: 'department.import', limit: 1 });
    expect(record).toMatchObject({ outcome: 'success' });
    expect(JSON.parse(record!.detail)).toMatchObject({ created: 1, updated: 1 });
  });

  it('refuses a form post without the CSRF token', async () => {
    const res = await t.request('/departments', {
      method: 'POST',
      cookie: sys.cookie,
      body: new URLSearchParams({ code: 'NO-CSRF', name: '某局', level: 'provincial', region: '340000' }),
    });
    expect(res.status).toBe(403);
  });
});
