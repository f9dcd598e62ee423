import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignLink, batch, enrolledAgent } from '../../agents/testing.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';

const hefei = '340100-001';
const wuhu = '340200-001';

/** The one-time tokens and credentials a page might leak. */
const secretPattern = /gv[ae]_[A-Za-z0-9_-]{43}/;

describe('agents pages', () => {
  let t: TestConsole;
  let netops: Session;
  let viewer: Session;
  let hefeiUser: Session;
  let operatorToken: string;
  beforeAll(async () => {
    t = await testConsole();
    netops = await t.signIn('netops', ['network-operator']);
    viewer = await t.signIn('watcher', ['viewer']);
    hefeiUser = await t.signIn('hf-net', ['department-user'], hefei);
    operatorToken = await t.tokenFor('network-operator');
  });
  afterAll(() => t.dispose());

  const page = async (path: string, s: Session, lang?: string) => {
    const res = await t.visit(path, s, lang);
    return { status: res.status, text: await res.text() };
  };

  it('creates an agent from the form and shows its token once, with agent.yaml and the command', async () => {
    const form = await page('/agents/new', netops, 'en');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<h1>New agent</h1>');
    expect(form.text).toContain(`name="_csrf" value="${netops.csrf}"`);
    expect(form.text).toContain('<option value="prod-hefei">');

    const res = await t.submit(
      '/agents',
      { name: '合肥-探针-页面', site: 'prod-hefei', department: hefei },
      netops,
      'en',
    );
    expect(res.status).toBe(201);
    const text = await res.text();
    const token = text.match(/<code class="secret" id="enrolment-token">(gve_[A-Za-z0-9_-]{43})<\/code>/)?.[1];
    expect(token).toBeDefined();
    expect(text).toContain('Agent 合肥-探针-页面 created.');
    expect(text).toMatch(/It works once and expires at 2026-11-22 08:\d\d \(UTC\)/);
    expect(text).toContain(
      `console:\n  url: http://localhost\n  enrolToken: &quot;${token}&quot;\nsite: prod-hefei\ndepartment: &quot;${hefei}&quot;`,
    );
    expect(text).toContain('npm run agent -- --config agent.yaml');
    const id = text.match(/href="\/agents\/([0-9a-f-]{36})"/)?.[1];
    expect(id).toBeDefined();

    // Never again: not on the agent's page, not in the list, in neither language.
    for (const path of [`/agents/${id}`, '/agents'])
      for (const lang of ['en', 'zh-CN']) {
        const again = await page(path, netops, lang);
        expect(again.status).toBe(200);
        expect(again.text).not.toMatch(secretPattern);
      }

    // And the token works, once.
    const enrolled = await t.request('/api/v1/agents/enrol', {
      method: 'POST',
      body: JSON.stringify({ token, hostname: 'probe-page.hf', version: '1.0.0' }),
    });
    expect(enrolled.status).toBe(201);
    const audit = await t.deps.audit.list({ action: 'agent.create', limit: 5 });
    expect(audit[0]).toMatchObject({ actor: 'netops', outcome: 'success', target: `agent:${id}` });
  });

  it('keeps what was typed and says why when the name is taken or the site unknown', async () => {
    await t.submit('/agents', { name: 'dup-page', site: '', department: '' }, netops);
    const dup = await t.submit('/agents', { name: 'dup-page', site: '', department: '' }, netops, 'en');
    expect(dup.status).toBe(409);
    const text = await dup.text();
    expect(text).toContain('An agent named dup-page already exists.');
    expect(text).toContain('name="name" value="dup-page"');
    const bad = await t.submit('/agents', { name: 'bad-site', site: 'mars-1', department: 'NOPE' }, netops, 'zh-CN');
    expect(bad.status).toBe(400);
    const zh = await bad.text();
    expect(zh).toContain('指定的站点不存在');
    expect(zh).toContain('所指委办局不存在');
  });

  it('refuses a form without the CSRF token', async () => {
    const res = await t.request('/agents', {
      method: 'POST',
      cookie: netops.cookie,
      body: new URLSearchParams({ name: 'no-csrf' }),
    });
    expect(res.status).toBe(403);
  });

  it('lists agents with status, host, version, last seen, spool and dropped, in both languages', async () => {
    const agent = await enrolledAgent(t, operatorToken, {
      name: 'listed-agent',
      site: 'prod-hefei',
      department: hefei,
    });
    await assignLink(t, agent.id, 'PG-LIST-001');
    const res = await t.request('/api/v1/agents/reports', {
      method: 'POST',
      token: agent.credential,
      body: JSON.stringify(batch(['PG-LIST-001'])),
    });
    expect(res.status).toBe(200);
    t.clock.advance(42_000);

    const en = await page('/agents?q=listed', netops, 'en');
    expect(en.status).toBe(200);
    expect(en.text).toContain('<h1>Site agents</h1>');
    const row = en.text.match(new RegExp(`<tr id="agent-${agent.id}">([\\s\\S]*?)</tr>`))?.[1] ?? '';
    expect(row).toContain('listed-agent');
    expect(row).toContain('Enrolled');
    expect(row).toContain('listed-agent.example');
    expect(row).toContain('1.2.3');
    expect(row).toContain('42 s ago');
    expect(row).toContain('7 / 4 KiB');
    expect(row).toMatch(/<td class="dropped num">2<\/td>/);
    expect(en.text).toContain('href="/agents/new"');
    expect(en.text).toMatch(/aria-sort="ascending"><a href="\/agents\?q=listed&amp;sort=name&amp;order=desc"/);

    const zh = await page('/agents?q=listed', netops, 'zh-CN');
    expect(zh.text).toContain('<h1>站点探针代理</h1>');
    expect(zh.text).toContain('已注册');
    expect(zh.text).toContain('42 秒前');

    const pending = await page('/agents?status=pending', netops, 'en');
    expect(pending.text).not.toContain('listed-agent');
    const sorted = await page('/agents?status=active&sort=lastSeen&order=desc', netops, 'en');
    expect(sorted.status).toBe(200);
  });

  it('shows a department user their department’s agents only, read-only', async () => {
    const own = await enrolledAgent(t, operatorToken, { name: 'hf-own-agent', department: hefei });
    const other = await enrolledAgent(t, operatorToken, { name: 'wh-other-agent', department: wuhu });
    const list = await page('/agents', hefeiUser, 'en');
    expect(list.status).toBe(200);
    expect(list.text).toContain('hf-own-agent');
    expect(list.text).not.toContain('wh-other-agent');
    expect(list.text).not.toContain('href="/agents/new"');
    expect(list.text).not.toContain('name="department"');
    const detail = await page(`/agents/${own.id}`, hefeiUser, 'en');
    expect(detail.status).toBe(200);
    expect(detail.text).not.toContain('action="/agents/');
    expect((await page(`/agents/${other.id}`, hefeiUser, 'en')).status).toBe(404);
    expect((await page('/agents/new', hefeiUser)).status).toBe(403);
    expect((await t.submit(`/agents/${own.id}/revoke`, {}, hefeiUser)).status).toBe(403);
    expect((await t.submit(`/agents/${own.id}/revoke`, {}, viewer)).status).toBe(403);
  });

  it('revokes from the agent’s page, and issues a new token shown once', async () => {
    const agent = await enrolledAgent(t, operatorToken, { name: 'page-revoke' });
    const detail = await page(`/agents/${agent.id}`, netops, 'en');
    expect(detail.text).toContain('<h1>Agent page-revoke</h1>');
    expect(detail.text).toContain(`action="/agents/${agent.id}/revoke"`);
    expect(detail.text).not.toContain(`action="/agents/${agent.id}/enrolment-token"`);

    const revoked = await t.submit(`/agents/${agent.id}/revoke`, {}, netops);
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe(`/agents/${agent.id}?revoked=1`);
    const after = await page(`/agents/${agent.id}?revoked=1`, netops, 'zh-CN');
    expect(after.text).toContain('探针代理 page-revoke 已被吊销。');
    expect(after.text).toContain(`action="/agents/${agent.id}/enrolment-token"`);
    expect((await t.request('/api/v1/agents/self/config', { token: agent.credential })).status).toBe(401);

    const reissued = await t.submit(`/agents/${agent.id}/enrolment-token`, {}, netops, 'en');
    expect(reissued.status).toBe(200);
    const text = await reissued.text();
    expect(text).toContain('A new enrolment token for page-revoke has been issued');
    const token = text.match(/id="enrolment-token">(gve_[A-Za-z0-9_-]{43})</)?.[1];
    expect(token).toBeDefined();
    expect(token).not.toBe(agent.token);
    expect((await page(`/agents/${agent.id}`, netops, 'en')).text).not.toMatch(secretPattern);
    const trail = await t.deps.audit.list({ action: 'agent.', limit: 20 });
    expect(trail.map((r) => r.action)).toEqual(expect.arrayContaining(['agent.revoke', 'agent.enrolment_token']));
  });
});
