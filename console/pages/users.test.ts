import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestConsole, testConsole, type Session } from '../testing/harness.ts';

describe('users and tokens page', () => {
  let t: TestConsole;
  let sec: Session;
  beforeAll(async () => {
    t = await testConsole();
    sec = await t.signIn('sec', ['security-admin']);
  });
  afterAll(() => t.dispose());

  const get = (path: string, s: Session = sec, lang?: string) => t.visit(path, s, lang);
  const post = (path: string, fields: Record<string, string | string[]>, s: Session = sec, lang?: string) =>
    t.submit(path, fields, s, lang);

  it('lists accounts with roles in the chosen language', async () => {
    const zh = await (await get('/users')).text();
    expect(zh).toContain('<h1>用户与 API 令牌</h1>');
    expect(zh).toMatch(/<td>admin<\/td><td>System administrator<\/td><td>系统管理员<\/td>/);
    const en = await (await get('/users', sec, 'en')).text();
    expect(en).toContain('<h1>Users and API tokens</h1>');
    expect(en).toMatch(/<td>sec<\/td><td>sec<\/td><td>Security administrator<\/td>/);
  });

  it('creates a user from the form and says so', async () => {
    const res = await post('/users', {
      username: 'hf.ops',
      displayName: '合肥运维',
      roles: ['cloud-operator', 'network-operator'],
      department: '',
      password: 'a long enough password',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/users?created=hf.ops');
    const page = await (await get('/users?created=hf.ops')).text();
    expect(page).toContain('已创建用户 hf.ops。');
    expect(page).toMatch(/<td>hf\.ops<\/td><td>合肥运维<\/td><td>云平台运维员, 网络运维员<\/td>/);
    const [record] = await t.deps.audit.list({ action: 'user.create', limit: 1 });
    expect(record).toMatchObject({ actor: 'sec', target: 'user:hf.ops', outcome: 'success' });
    expect(record!.detail).not.toContain('a long enough password');
  });

  it('shows refusals beside the fields: taken username, separated roles, missing department', async () => {
    const taken = await post(
      '/users',
      { username: 'admin', roles: 'viewer', password: 'a long enough password' },
      sec,
      'en',
    );
    expect(taken.status).toBe(409);
    const takenPage = await taken.text();
    expect(takenPage).toMatch(/name="username" value="admin"[\s\S]*?The username admin is taken\./);

    const clash = await post('/users', {
      username: 'two.hats',
      roles: ['system-admin', 'audit-admin'],
      password: 'a long enough password',
    });
    expect(clash.status).toBe(409);
    expect(await clash.text()).toMatch(/<legend>角色<\/legend>[\s\S]*?同一账号不能同时担任系统管理员和审计管理员。/);

    const noDept = await post(
      '/users',
      { username: 'dept.one', roles: 'department-user', password: 'a long enough password' },
      sec,
      'en',
    );
    expect(noDept.status).toBe(400);
    expect(await noDept.text()).toMatch(/name="department"[\s\S]*?department users need a department/);
    expect(await t.deps.accounts.listUsers({ username: 'dept.one' })).toEqual([]);
  });

  it('shows a new token secret once, on the response to the form', async () => {
    const res = await post('/users/tokens', { name: 'cmdb sync', role: 'viewer', department: '' }, sec, 'en');
    expect(res.status).toBe(201);
    const page = await res.text();
    const secret = page.match(/<code class="secret">(govops_[^<]+)<\/code>/)?.[1];
    expect(secret).toBeDefined();
    expect(page).toContain('Copy it now; it will not be shown again');
    expect((await t.request('/api/v1/departments?limit=1', { token: secret })).status).toBe(200);

    const later = await (await get('/users')).text();
    expect(later).toContain('<td>cmdb sync</td>');
    expect(later).not.toContain(secret);
    const [record] = await t.deps.audit.list({ action: 'token.create', limit: 1 });
    expect(record!.detail).not.toContain(secret!);

    const [token] = (await t.deps.accounts.listTokens()).filter((k) => k.name === 'cmdb sync');
    const revoke = await post(`/users/tokens/${token!.id}/revoke`, {});
    expect(revoke.status).toBe(303);
    expect(await (await get(revoke.headers.get('location')!)).text()).toContain('令牌 cmdb sync 已吊销。');
    expect((await t.request('/api/v1/departments?limit=1', { token: secret })).status).toBe(401);
  });

  it('resets a password, refusing a short one on the user’s row', async () => {
    const short = await post('/users/hf.ops/password', { password: 'short' }, sec, 'en');
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/id="user-hf\.ops"[\s\S]*?minimum 12/);
    const ok = await post('/users/hf.ops/password', { password: 'another long password' });
    expect(ok.status).toBe(303);
    expect(await (await get(ok.headers.get('location')!)).text()).toContain('已重置 hf.ops 的密码');
    expect((await post('/users/nobody/password', { password: 'another long password' })).status).toBe(404);
  });

  it('unlocks a locked account and resets two-factor', async () => {
    for (let i = 0; i < 5; i++) {
      await t.request('/api/v1/session', {
        method: 'POST',
        body: JSON.stringify({ username: 'hf.ops', password: 'wrong password!!' }),
      });
    }
    expect((await t.deps.accounts.getUser('hf.ops')).lockedUntil).not.toBeNull();
    expect(await (await get('/users', sec, 'en')).text()).toMatch(/id="user-hf\.ops"[\s\S]*?Locked until/);
    expect((await post('/users/hf.ops/unlock', {})).status).toBe(303);
    expect((await t.deps.accounts.getUser('hf.ops')).lockedUntil).toBeNull();

    expect((await t.deps.accounts.getUser('sec')).totpEnrolled).toBe(true);
    const other = await t.signIn('sec2', ['security-admin']);
    expect((await post('/users/sec/totp-reset', {}, other)).status).toBe(303);
    expect((await t.deps.accounts.getUser('sec')).totpEnrolled).toBe(false);
  });

  it('refuses roles without accounts:read', async () => {
    for (const [name, role] of [
      ['sys9', 'system-admin'],
      ['aud9', 'audit-admin'],
      ['view9', 'viewer'],
    ] as const) {
      const s = await t.signIn(name, [role]);
      expect((await get('/users', s)).status).toBe(403);
      expect((await post('/users/tokens', { name: 'x', role: 'viewer' }, s)).status).toBe(403);
    }
  });
});
