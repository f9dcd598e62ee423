import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { safeNext } from './sign-in.ts';

describe('return path after sign-in', () => {
  it.each([
    ['/departments?level=city', '/departments?level=city'],
    ['/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/\t/evil.example', '/'],
    ['/%09/evil.example', '/%09/evil.example'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    [undefined, '/'],
  ])('%j → %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('sign-in form', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await testConsole({ demo: false });
  });
  afterAll(() => t.dispose());

  const post = (path: string, fields: Record<string, string>, cookie?: string) =>
    t.request(path, {
      method: 'POST',
      cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      body: new URLSearchParams(fields).toString(),
    });

  it('says a wrong password in the chosen language, without saying which part was wrong', async () => {
    const res = await post('/login', { username: 'admin', password: 'nope nope nope', next: '/' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Wrong username or password.');
  });

  it('keeps a huge username out of the audit log', async () => {
    await post('/login', { username: 'x'.repeat(100_000), password: 'whatever' });
    const [record] = await t.deps.audit.list({ action: 'session.sign-in', limit: 1 });
    expect(record!.actor.length).toBeLessThanOrEqual(128);
    expect(record!.detail.length).toBeLessThanOrEqual(8192);
  });

  it('audits a page form sent without a session as denied, changing nothing', async () => {
    const res = await post('/departments', { code: 'ANON-1', name: '匿名局', level: 'provincial', region: '340000' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/login/);
    const [record] = await t.deps.audit.list({ limit: 1 });
    expect(record).toMatchObject({ actor: 'anonymous', outcome: 'denied' });
    expect(
      await t.deps.org.listDepartments(
        { kind: 'user', id: 'x', name: 'x', roles: ['viewer'], department: null },
        { q: 'ANON' },
      ),
    ).toMatchObject({ total: 0 });
  });
});
