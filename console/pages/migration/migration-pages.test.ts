import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSystems } from '../../migration/testing.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';

/** The text of a fragment with tags removed and whitespace squeezed. */
const text = (fragment: string | undefined) =>
  (fragment ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const section = (page: string, id: string) =>
  page.match(new RegExp(`<(?:section|form)[^>]*id="${id}"[^>]*>([\\s\\S]*?)</(?:section|form)>`))?.[1];

describe('migration pages', () => {
  let t: TestConsole;
  let operator: Session;
  let hefei: Session;
  let viewer: Session;
  const hefeiDept = '340100-001';
  const page = async (path: string, s: Session, lang = 'en') => {
    const res = await t.visit(path, s, lang);
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    // First start loads the demo's 1,473 systems, their requests and waves W1–W5; the test adds its own.
    t = await testConsole();
    await insertSystems(t.store.db, t.clock.now(), [
      { code: 'P-DB', name: '测试数据库', department_code: hefeiDept, mlps_level: 3 },
      { code: 'P-APP', name: '测试业务系统', department_code: hefeiDept, mlps_level: 3, dependsOn: ['P-DB'] },
    ]);
    operator = await t.signIn('op', ['cloud-operator']);
    hefei = await t.signIn('hf', ['department-user'], hefeiDept);
    viewer = await t.signIn('viewer', ['viewer']);
  });
  afterAll(() => t.dispose());

  it('shows the board of 1,473 demo systems by stage, capped per column with a link to the rest', async () => {
    const t0 = performance.now();
    const zh = await page('/migration', viewer, 'zh-CN');
    const ms = performance.now() - t0;
    expect(zh.status).toBe(200);
    expect(ms).toBeLessThan(2000);
    expect(zh.text).toContain('<h1>迁移看板</h1>');
    const intake = section(zh.text, 'column-intake')!;
    expect(text(intake)).toMatch(/^受理 \d+ 草稿 \d+ · 已提交 \d+ · 已退回 \d+/);
    expect(intake.match(/class="card"/g)).toHaveLength(12);
    expect(intake).toContain('href="/migration/requests?column=intake"');
    const en = await page('/migration?mlps=3', viewer);
    expect(en.text).toContain('Cut over (hypercare)');
    expect(en.text).toMatch(/href="\/migration\/requests\?column=[a-z]+&amp;mlps=3"/);
    const list = await page('/migration/requests?column=done&sort=system', viewer);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Column: Done');
    expect(list.text).toMatch(/Showing 1–\d+ of \d+/);
  });

  it('shows the wave plan with progress and health, and lets operators add a wave', async () => {
    const plan = await page('/migration/waves', viewer);
    expect(plan.text).toContain('id="wave-W1"');
    expect(plan.text).toMatch(/<progress max="100" value="\d+"/);
    expect(plan.text).toMatch(/class="badge health-(healthy|lagging|error)"/);
    expect(plan.text).not.toContain('id="new-wave"');
    const added = await t.submit(
      '/migration/waves',
      { code: 'P1', name: '测试批次', position: '10', windowStart: '2026-12-01T00:00', windowEnd: '2026-12-20T00:00' },
      operator,
    );
    expect(added.status).toBe(303);
    const bad = await t.submit(
      '/migration/waves',
      { code: 'P0', name: '倒置', position: '11', windowStart: '2026-12-20T00:00', windowEnd: '2026-12-01T00:00' },
      operator,
      'en',
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('must be after the start');
    const after = await page('/migration/waves', operator);
    expect(text(section(after.text, 'wave-P1'))).toContain('10. 测试批次 P1 Healthy');
    expect(after.text).toContain('id="new-wave"');
  });

  it('drafts, submits and walks a request through its forms, showing only the moves the role may make', async () => {
    const form = await page('/migration/requests/new?system=P-APP', hefei);
    expect(form.text).toContain('测试业务系统');
    const drafted = await t.submit(
      '/migration/requests',
      { system: 'P-APP', justification: '机房到期', targetSite: 'prod-hefei' },
      hefei,
    );
    expect(drafted.status).toBe(303);
    const url = drafted.headers.get('location')!.split('?')[0]!;
    let detail = await page(drafted.headers.get('location')!, hefei);
    expect(detail.text).toContain('Draft saved.');
    expect(detail.text).toContain('id="move-submitted"');
    expect(detail.text).toContain('id="move-cancelled"');
    expect(detail.text).not.toContain('id="move-approved"');
    const version = () => detail.text.match(/name="version" value="(\d+)"/)![1]!;
    expect((await t.submit(`${url}/moves`, { to: 'submitted', version: version(), comment: '' }, hefei)).status).toBe(
      303,
    );

    // The department cannot approve its own request; the operator sees the review moves.
    detail = await page(url, hefei);
    expect(detail.text).not.toContain('id="move-approved"');
    expect((await t.submit(`${url}/moves`, { to: 'approved', version: version() }, hefei)).status).toBe(403);
    detail = await page(url, operator);
    for (const to of ['returned', 'rejected', 'approved', 'cancelled'])
      expect(detail.text).toContain(`id="move-${to}"`);
    const noReason = await t.submit(
      `${url}/moves`,
      { to: 'returned', version: version(), comment: '' },
      operator,
      'en',
    );
    expect(noReason.status).toBe(400);
    expect(text(section(await noReason.text(), 'move-returned'))).toContain('is required');
    expect(
      (await t.submit(`${url}/moves`, { to: 'approved', version: version(), comment: 'ok' }, operator)).status,
    ).toBe(303);
    detail = await page(url, operator);
    const assess = await t.submit(
      `${url}/moves`,
      {
        to: 'assessed',
        version: version(),
        strategy: 'rehost',
        readiness: '可直接迁移',
        'cpu-requests': '8',
        'memory-requests': '32',
      },
      operator,
    );
    expect(assess.status).toBe(303);
    detail = await page(url, operator);
    expect(detail.text).toContain('Rehost (lift and shift)');
    expect(detail.text).toContain('8 vCPU');

    // Gates are shown before anyone tries: the dependency is not on the cloud, no remote protection.
    expect(text(detail.text)).toContain('Before cut-over P-DB, which it depends on, is not on the cloud yet');
    expect(text(detail.text)).toContain('no passed drill at that remote DR site');
    const planned = await t.submit(
      `${url}/moves`,
      {
        to: 'planned',
        version: version(),
        wave: 'P1',
        cutoverStart: '2026-12-05T14:00',
        cutoverEnd: '2026-12-05T18:00',
      },
      operator,
    );
    expect(planned.status).toBe(303);
    detail = await page(url, operator, 'zh-CN');
    expect(text(detail.text)).toContain('2026-12-05 14:00 – 2026-12-05 18:00 UTC');
    expect(detail.text).toContain('已排期');
    const history = detail.text.match(/<table class="history">[\s\S]*?<\/table>/)![0];
    expect(history.match(/<tr class="event-/g)).toHaveLength(5);
    expect(text(history)).toContain('已提交 已批准 ok');

    // The system's page: the request's state with a link and its history; nothing new offered while it is open.
    const system = await page('/systems/P-APP', hefei);
    const part = system.text.match(/<section class="migration" id="migration">[\s\S]*?<\/section>/)?.[0];
    expect(text(part)).toContain('State Planned Open the request');
    expect(part).toContain(`href="${url}"`);
    expect(part).not.toContain('Request migration');
    const untouched = await page('/systems/P-DB', hefei);
    expect(untouched.text).toContain('href="/migration/requests/new?system=P-DB"');
    expect((await page('/systems/P-DB', viewer)).text).not.toContain('/migration/requests/new');

    const other = await page(url, viewer);
    expect(other.text).not.toContain('id="move-');
  });

  it('hides other departments’ requests from department users', async () => {
    const theirs = await t.store.db
      .selectFrom('migration_requests')
      .select('id')
      .where('department_code', '<>', hefeiDept)
      .executeTakeFirstOrThrow();
    expect((await page(`/migration/requests/${theirs.id}`, hefei)).status).toBe(404);
    const list = await page('/migration/requests', hefei);
    expect(list.text).not.toContain(theirs.id);
    expect(list.text).not.toContain('name="department"');
  });
});
