import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type TestConsole, testConsole, testPassword } from '../testing/harness.ts';

describe('own account and password change', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await testConsole({ demo: false });
  });
  afterAll(() => t.dispose());

  it('changes the password from the page, ends the other sessions and keeps this one', async () => {
    const here = await t.signIn('chen', ['network-operator']);
    const elsewhere = await t.signIn('chen');
    const page = await (
      await t.request('/account', { cookie: here.cookie, headers: { 'accept-language': 'en' } })
    ).text();
    expect(page).toContain('<h1>My account</h1>');
    expect(page).toContain('Network operator');

    const res = await t.submit(
      '/account/password',
      { currentPassword: testPassword, newPassword: 'a brand new passphrase' },
      here,
    );
    expect(res.status).toBe(303);
    expect((await t.request('/api/v1/sites', { cookie: here.cookie })).status).toBe(200);
    expect((await t.request('/api/v1/sites', { cookie: elsewhere.cookie })).status).toBe(401);
    const old = await t.request('/api/v1/session', {
      method: 'POST',
      body: JSON.stringify({ username: 'chen', password: testPassword }),
    });
    expect(old.status).toBe(401);
    const audited = await t.deps.audit.list({ action: 'user.password-change' });
    expect(audited[0]).toMatchObject({ actor: 'chen', outcome: 'success' });
    expect(audited[0]!.detail).not.toContain('passphrase');
  });

  it('refuses a wrong current password beside the field, in Chinese, changing nothing', async () => {
    const me = await t.signIn('zhou', ['viewer']);
    const res = await t.submit(
      '/account/password',
      { currentPassword: 'not my password', newPassword: 'a brand new passphrase' },
      me,
      'zh-CN',
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('与当前密码不符');
    const still = await t.request('/api/v1/session', {
      method: 'POST',
      body: JSON.stringify({ username: 'zhou', password: testPassword }),
    });
    expect(still.status).toBe(200);
  });

  it('refuses an API token: it has no password', async () => {
    const token = await t.tokenFor('viewer');
    const res = await t.request('/api/v1/session/password', {
      method: 'POST',
      token,
      body: JSON.stringify({ currentPassword: 'x', newPassword: 'a brand new passphrase' }),
    });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('forbidden');
  });
});
