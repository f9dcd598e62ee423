import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole, testPassword } from '../testing/harness.ts';
import { currentCode } from './totp.ts';

const pgUp = await postgresAvailable();

describe.each(backends)('sign-in with password and TOTP on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  beforeEach(async () => {
    if (!enabled) return;
    t = await testConsole({ demo: false, store: open });
  });
  afterEach(async () => {
    if (enabled) await t.dispose();
  });

  const post = (path: string, body: unknown, init: { cookie?: string; csrf?: string } = {}) =>
    t.request(path, { method: 'POST', body: JSON.stringify(body), ...init });

  it.runIf(enabled)('asks a new admin to enrol TOTP, then signs in with the code', async () => {
    const first = await post('/api/v1/session', { username: 'admin', password: testPassword });
    expect(first.status).toBe(200);
    const state = await json(first);
    expect(state.stage).toBe('enrol');
    expect(state.totpUri).toMatch(/^otpauth:\/\/totp\//);
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(first.headers.getSetCookie()[0]).toMatch(/HttpOnly/);
    expect(first.headers.getSetCookie()[0]).toMatch(/SameSite=Strict/);

    // Not signed in yet: the API refuses.
    expect((await t.request('/api/v1/departments', { cookie })).status).toBe(401);

    const code = currentCode(state.totpSecret, t.clock.now());
    const second = await post('/api/v1/session/totp', { code }, { cookie, csrf: state.csrfToken });
    expect(second.status).toBe(200);
    const active = second.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(active).not.toBe(cookie); // a new session id after the second factor
    expect((await t.request('/api/v1/departments', { cookie: active })).status).toBe(200);
    // The TOTP key is sealed in the store, never kept in clear.
    const row = await t.store.db
      .selectFrom('users')
      .select('totp_secret')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toMatch(/^v1:/);
    expect(row.totp_secret).not.toContain(state.totpSecret);
    expect((await t.request('/api/v1/departments', { cookie })).status).toBe(401);
  });

  it.runIf(enabled)('refuses a replayed TOTP code', async () => {
    await t.signIn('ops1', ['cloud-operator']);
    const secret = t.totpSecretOf('ops1')!;
    const first = await post('/api/v1/session', {
      username: 'ops1',
      password: testPassword,
      code: currentCode(secret, t.clock.now()),
    });
    expect(first.status).toBe(401);
    expect((await json(first)).error.code).toBe('bad_totp');
  });

  it.runIf(enabled)('locks the account after 5 failed attempts for 15 minutes, and audits each', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await post('/api/v1/session', { username: 'admin', password: 'wrong password!' });
      expect(res.status).toBe(401);
    }
    const fifth = await post('/api/v1/session', { username: 'admin', password: 'wrong password!' });
    expect(fifth.status).toBe(423);
    // Even the right password is refused while locked.
    expect((await post('/api/v1/session', { username: 'admin', password: testPassword })).status).toBe(423);
    t.clock.advance(15 * 60_000 + 1000);
    expect((await post('/api/v1/session', { username: 'admin', password: testPassword })).status).toBe(200);

    const records = await t.deps.audit.list({ action: 'session.sign-in', limit: 100 });
    expect(records.filter((r) => r.outcome === 'denied')).toHaveLength(6);
    expect(records.every((r) => r.actor === 'admin' && r.role === 'system-admin')).toBe(true);
    // The password never reaches the audit log or the logs.
    expect(JSON.stringify(records)).not.toContain('wrong password');
    expect(t.logger.lines.join('')).not.toContain('wrong password');
  });

  it.runIf(enabled)('holds the lockout against attempts sent in parallel', async () => {
    await t.deps.accounts.createUser({ username: 'target', roles: ['viewer'], password: testPassword });
    const attempts = await Promise.all(
      Array.from({ length: 30 }, () => post('/api/v1/session', { username: 'target', password: 'wrong password!' })),
    );
    expect(attempts.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    expect(attempts.some((r) => r.status === 423)).toBe(true);
    // Still locked for the right password: the parallel failures did not undo the lock.
    expect((await post('/api/v1/session', { username: 'target', password: testPassword })).status).toBe(423);
  });

  it.runIf(enabled)('takes as long for an unknown username as for a wrong password', async () => {
    await t.deps.accounts.createUser({ username: 'known', roles: ['viewer'], password: testPassword });
    const time = async (username: string) => {
      const start = performance.now();
      await post('/api/v1/session', { username, password: 'wrong password!' });
      return performance.now() - start;
    };
    const fastest = async (username: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) best = Math.min(best, await time(username));
      return best;
    };
    await time('warm-up');
    const known = await fastest('known');
    const unknown = await fastest('nobody-here');
    // The same scrypt cost either way: a stand-in hash of another cost answers much faster or slower.
    expect(unknown / known).toBeGreaterThan(0.4);
    expect(unknown / known).toBeLessThan(2.5);
  });

  it.runIf(enabled)('ends a session after 30 minutes without activity', async () => {
    const { cookie } = await t.signIn('ops2', ['cloud-operator']);
    t.clock.advance(29 * 60_000);
    expect((await t.request('/api/v1/departments', { cookie })).status).toBe(200);
    t.clock.advance(29 * 60_000);
    expect((await t.request('/api/v1/departments', { cookie })).status).toBe(200);
    t.clock.advance(31 * 60_000);
    expect((await t.request('/api/v1/departments', { cookie })).status).toBe(401);
  });

  it.runIf(enabled)('sweeps abandoned sessions at the next sign-in', async () => {
    await t.signIn('ops3', ['cloud-operator']);
    const count = async () =>
      Number(
        (
          await t.store.db
            .selectFrom('sessions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count()).toBe(1);
    t.clock.advance(31 * 60_000);
    await t.signIn('ops4', ['cloud-operator']);
    expect(await count()).toBe(1);
  });

  it.runIf(enabled)('requires the CSRF token for cookie-authenticated changes', async () => {
    const { cookie, csrf } = await t.signIn('sys2', ['system-admin']);
    const body = JSON.stringify({ code: 'X-1', name: '测试局', level: 'provincial', region: '340000' });
    const without = await t.request('/api/v1/departments', { method: 'POST', cookie, body });
    expect(without.status).toBe(403);
    expect((await json(without)).error.code).toBe('csrf');
    const withToken = await t.request('/api/v1/departments', { method: 'POST', cookie, csrf, body });
    expect(withToken.status).toBe(201);
  });

  it.runIf(enabled)('signs out and the cookie stops working', async () => {
    const { cookie, csrf } = await t.signIn('viewer1', ['viewer']);
    expect((await t.request('/api/v1/departments', { cookie })).status).toBe(200);
    expect((await t.request('/api/v1/session', { method: 'DELETE', cookie, csrf })).status).toBe(204);
    expect((await t.request('/api/v1/departments', { cookie })).status).toBe(401);
  });
});
