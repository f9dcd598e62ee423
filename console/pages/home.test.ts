import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestConsole, testConsole } from '../testing/harness.ts';

describe('overview page', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await testConsole();
  });
  afterAll(() => t.dispose());

  it('shows departments per level and the three sites with their roles', async () => {
    const { cookie } = await t.signIn('ops', ['cloud-operator']);
    const page = await (await t.request('/', { cookie, headers: { 'accept-language': 'en' } })).text();
    expect(page).toContain('<h1>Overview</h1>');
    for (const n of ['96', '1,200', '1,900']) expect(page).toContain(`<b>${n}</b>`);
    expect(page).toMatch(/prod-hefei<\/td><td>省政务云主中心<\/td><td>Production/);
    expect(page).toMatch(/dr-remote<\/td><td>[^<]+<\/td><td>Remote DR/);
    expect(page).not.toContain('Recent audit events');
  });

  it('shows the latest audit events to the audit administrator only', async () => {
    const { cookie } = await t.signIn('auditor', ['audit-admin']);
    const page = await (await t.request('/', { cookie, headers: { 'accept-language': 'en' } })).text();
    expect(page).toContain('Recent audit events');
    expect(page).toContain('session.sign-in');
  });

  it('sends a visitor without a session to sign in', async () => {
    const res = await t.request('/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2F');
  });
});
