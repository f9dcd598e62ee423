import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type TestConsole, testConsole, testPassword } from '../testing/harness.ts';

describe('accounts and tokens API', () => {
  let t: TestConsole;
  let security: string;
  beforeAll(async () => {
    t = await testConsole();
    security = await t.tokenFor('security-admin');
  });
  afterAll(() => t.dispose());

  const post = (path: string, body: unknown, method = 'POST') =>
    t.request(path, { method, token: security, body: JSON.stringify(body) });

  it('creates a department user confined to their department', async () => {
    const res = await post('/api/v1/users', {
      username: 'zhang.san',
      roles: ['department-user'],
      department: '340100-001',
      password: testPassword,
    });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      username: 'zhang.san',
      roles: ['department-user'],
      department: '340100-001',
      totpEnrolled: false,
    });
  });

  it.each([
    [{ username: 'a1', roles: ['system-admin', 'audit-admin'], password: testPassword }, 409, 'role_separation'],
    [{ username: 'a2', roles: ['department-user'], password: testPassword }, 400, 'invalid_input'],
    [{ username: 'a3', roles: ['viewer'], department: '340100-001', password: testPassword }, 400, 'invalid_input'],
    [{ username: 'a4', roles: ['department-user'], department: 'NOPE', password: testPassword }, 400, 'invalid_input'],
    [{ username: 'a5', roles: ['viewer'], password: 'short' }, 400, 'invalid_input'],
    [{ username: 'zhang.san', roles: ['viewer'], password: testPassword }, 409, 'username_taken'],
  ])('refuses %j with %i', async (body, status, code) => {
    const res = await post('/api/v1/users', body);
    expect(res.status).toBe(status);
    expect((await json(res)).error.code).toBe(code);
  });

  it('disabling a user ends their session at once', async () => {
    const { cookie } = await t.signIn('li.si', ['cloud-operator']);
    expect((await t.request('/api/v1/sites', { cookie })).status).toBe(200);
    const res = await post('/api/v1/users/li.si', { disabled: true }, 'PATCH');
    expect(res.status).toBe(200);
    expect((await t.request('/api/v1/sites', { cookie })).status).toBe(401);
    const again = await t.request('/api/v1/session', {
      method: 'POST',
      body: JSON.stringify({ username: 'li.si', password: testPassword }),
    });
    expect(again.status).toBe(401);
  });

  it('refuses a role change that would break the separation of duties', async () => {
    await t.deps.accounts.createUser({ username: 'wang.wu', roles: ['system-admin'], password: testPassword });
    const res = await post('/api/v1/users/wang.wu', { roles: ['system-admin', 'security-admin'] }, 'PATCH');
    expect(res.status).toBe(409);
    expect((await t.deps.accounts.getUser('wang.wu')).roles).toEqual(['system-admin']);
  });

  it('shows a token once, keeps only its hash, and stops it working when revoked', async () => {
    const res = await post('/api/v1/tokens', { name: 'cmdb sync', role: 'viewer' });
    expect(res.status).toBe(201);
    const { token, item } = await json(res);
    expect(token).toMatch(/^govops_/);
    const stored = await t.store.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await t.request('/api/v1/sites', { token })).status).toBe(200);
    const listed = await json(await t.request('/api/v1/tokens', { token: security }));
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.items.find((k: any) => k.id === item.id).lastUsedAt).not.toBeNull();
    expect((await t.request(`/api/v1/tokens/${item.id}`, { method: 'DELETE', token: security })).status).toBe(200);
    expect((await t.request('/api/v1/sites', { token })).status).toBe(401);
  });

  it('refuses tokens for the separated administrator roles through the API', async () => {
    for (const role of ['system-admin', 'security-admin', 'audit-admin']) {
      const res = await post('/api/v1/tokens', { name: `sneaky ${role}`, role });
      expect(res.status).toBe(400);
      expect((await json(res)).error.fields[0]).toMatchObject({ field: 'role', rule: 'administrator_token' });
    }
    expect((await t.deps.accounts.listTokens()).some((k) => k.name.startsWith('sneaky'))).toBe(false);
  });

  it('unlocks a locked account', async () => {
    await t.deps.accounts.createUser({ username: 'zhao.liu', roles: ['viewer'], password: testPassword });
    for (let i = 0; i < 5; i++) {
      await t.request('/api/v1/session', {
        method: 'POST',
        body: JSON.stringify({ username: 'zhao.liu', password: 'wrong wrong wrong' }),
      });
    }
    expect((await t.deps.accounts.getUser('zhao.liu')).lockedUntil).not.toBeNull();
    expect((await t.request('/api/v1/users/zhao.liu/unlock', { method: 'POST', token: security })).status).toBe(204);
    const res = await t.request('/api/v1/session', {
      method: 'POST',
      body: JSON.stringify({ username: 'zhao.liu', password: testPassword }),
    });
    expect(res.status).toBe(200);
  });
});
