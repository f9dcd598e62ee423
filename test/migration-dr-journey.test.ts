import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postgresAvailable } from '../console/store/testing.ts';
import { json, type TestConsole, testConsole } from '../console/testing/harness.ts';

/**
 * The "done when", across the three areas as their users meet them: a department user
 * registers a level-3 system and the platform it depends on and asks to move both; an operator
 * returns the request once, approves it, plans it into the wave after its dependency's and walks
 * it to cut-over; acceptance is refused until the remote DR site protects it in real time and a
 * drill there has passed; after a passed drill with measured RTO/RPO it is accepted; the DR
 * matrix, the system's page and the DR centre's construction page show it. Real stores
 * (SQLite file, PostgreSQL), the real app, the demo province loaded.
 */
const pgUp = await postgresAvailable();
const department = '340100-001';

describe.each(backends)('migration and DR journey on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let dept: string;
  let ops: string;

  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    dept = await t.tokenFor('department-user', department);
    ops = await t.tokenFor('cloud-operator');
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await t.request(`/api/v1${path}`, {
      method,
      token,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await json(res) };
  };
  const ok = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await call(method, path, token, body);
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body;
  };
  /** Moves a request one step with the version it has now. */
  const move = async (id: string, to: string, token: string, extra: Record<string, unknown> = {}) => {
    const { version } = await ok('GET', `/migration-requests/${id}`, token);
    return call('POST', `/migration-requests/${id}/moves`, token, { to, version, comment: `→ ${to}`, ...extra });
  };
  const walk = async (id: string, states: string[]) => {
    for (const to of states) {
      const r = await move(id, to, ops);
      expect(r.status, `${to}: ${JSON.stringify(r.body)}`).toBe(200);
    }
  };

  it.runIf(enabled)('takes a level-3 system from request to accepted, gated by its DR protection', async () => {
    // The department registers its exchange platform and the approval system that needs it.
    await ok('POST', '/systems', dept, {
      code: 'J-EXCH',
      name: '合肥市数据交换平台',
      department,
      network: 'extranet',
      hosting: 'own-machine-room',
      mlpsLevel: 3,
    });
    await ok('POST', '/systems', dept, {
      code: 'J-APPROVE',
      name: '合肥市行政审批系统',
      department,
      network: 'extranet',
      hosting: 'own-machine-room',
      mlpsLevel: 3,
      rpoSeconds: 900,
      rtoSeconds: 4 * 3600,
      targetDrLevel: 4,
      dependsOn: ['J-EXCH'],
    });

    // Two requests, drafted and submitted by the department.
    const draft = async (system: string) =>
      (await ok('POST', '/migration-requests', dept, { system, justification: '机房到期', targetSite: 'prod-hefei' }))
        .id as string;
    const exch = await draft('J-EXCH');
    const approve = await draft('J-APPROVE');
    for (const id of [exch, approve]) expect((await move(id, 'submitted', dept)).status).toBe(200);

    // Returned once with a reason, resubmitted, approved.
    expect((await move(approve, 'returned', ops, { comment: '请补充RPO要求' })).status).toBe(200);
    expect((await move(approve, 'submitted', dept, { comment: 'RPO 15 分钟' })).status).toBe(200);
    await walk(exch, ['approved']);
    await walk(approve, ['approved']);
    for (const id of [exch, approve]) {
      expect((await move(id, 'assessed', ops, { strategy: 'rehost', readiness: '就绪' })).status).toBe(200);
    }

    // Waves: the platform first, the approval system behind it; not the other way round.
    await ok('POST', '/waves', ops, { code: 'J1', name: '第一批', position: 901 });
    await ok('POST', '/waves', ops, { code: 'J2', name: '第二批', position: 902 });
    const window = { cutoverStart: '2027-03-06T14:00:00Z', cutoverEnd: '2027-03-06T22:00:00Z' };
    expect((await move(exch, 'planned', ops, { wave: 'J1', ...window })).status).toBe(200);
    expect((await move(approve, 'planned', ops, { wave: 'J2', ...window })).status).toBe(200);
    // The approval system cannot cut over before the platform it depends on.
    await walk(approve, ['replicating', 'ready-for-test', 'testing', 'ready-for-cutover']);
    const tooSoon = await move(approve, 'cutting-over', ops);
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body.error.code).toBe('gate_refused');
    expect(JSON.stringify(tooSoon.body.error.details)).toContain('J-EXCH');
    await walk(exch, ['replicating', 'ready-for-test', 'testing', 'ready-for-cutover', 'cutting-over', 'cut-over']);
    await walk(approve, ['cutting-over', 'cut-over']);

    // Acceptance is refused: no off-site protection, no passed drill.
    const refused = await move(approve, 'accepted', ops);
    expect(refused.status).toBe(409);
    const gates = (refused.body.error.details.problems as { gate: string }[]).map((p) => p.gate);
    expect(gates).toEqual(expect.arrayContaining(['remote_protection_missing', 'passed_drill_missing']));

    // The remote DR site protects it in real time; still no passed drill.
    await ok('PUT', '/systems/J-APPROVE/protections/dr-remote', ops, {
      mode: 'asynchronous',
      state: 'protected',
      lagSeconds: 120,
    });
    const stillRefused = await move(approve, 'accepted', ops);
    expect(stillRefused.status).toBe(409);
    expect((stillRefused.body.error.details.problems as { gate: string }[]).map((p) => p.gate)).toEqual([
      'passed_drill_missing',
    ]);

    // A failed drill opens a follow-up and does not count; a passed one with measured RTO/RPO does.
    const daysAgo = (n: number) => new Date(t.clock.now().getTime() - n * 86_400_000).toISOString();
    const failed = await ok('POST', '/drills', ops, {
      system: 'J-APPROVE',
      site: 'dr-remote',
      plannedOn: '2027-03-20',
    });
    await ok('PATCH', `/drills/${failed.id}`, ops, { executedAt: daysAgo(8), result: 'failed' });
    expect((await move(approve, 'accepted', ops)).status).toBe(409);
    const drill = await ok('POST', '/drills', ops, {
      system: 'J-APPROVE',
      site: 'dr-remote',
      plannedOn: daysAgo(2).slice(0, 10),
    });
    await ok('PATCH', `/drills/${drill.id}`, ops, {
      executedAt: daysAgo(1),
      result: 'passed',
      measuredRtoSeconds: 3 * 3600,
      measuredRpoSeconds: 300,
      evidence: '切换至异地灾备中心，业务验证通过',
      cleanupConfirmed: true,
    });
    const accepted = await move(approve, 'accepted', ops, { comment: '验收通过' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe('accepted');

    // The history names every step, with who and why.
    const history = (await ok('GET', `/migration-requests/${approve}`, dept)).history as {
      from: string | null;
      to: string;
      comment: string;
    }[];
    expect(history.map((e) => e.to)).toEqual([
      'draft',
      'submitted',
      'returned',
      'submitted',
      'approved',
      'assessed',
      'planned',
      'replicating',
      'ready-for-test',
      'testing',
      'ready-for-cutover',
      'cutting-over',
      'cut-over',
      'accepted',
    ]);
    expect(history.find((e) => e.to === 'returned')?.comment).toBe('请补充RPO要求');

    // The DR record: the matrix row, the system's drills with the follow-up, the achieved level.
    const matrix = await ok('GET', '/dr/matrix?q=J-APPROVE', ops);
    expect(JSON.stringify(matrix)).toContain('J-APPROVE');
    const drills = await ok('GET', '/systems/J-APPROVE/drills', dept);
    expect(drills.items.map((d: { result: string }) => d.result).sort()).toEqual(['failed', 'passed']);
    expect(drills.followUps).toHaveLength(1);
    const protection = await ok('GET', '/systems/J-APPROVE/protections/dr-remote', dept);
    expect(protection).toMatchObject({ state: 'protected', mode: 'asynchronous' });
    expect(protection.achievedLevel).toBeGreaterThanOrEqual(4);

    // Pages: the system's whole record, and the DR centre under construction with its approvals.
    const page = await (
      await t.request('/systems/J-APPROVE', { token: dept, headers: { 'accept-language': 'zh-CN' } })
    ).text();
    expect(page).toContain('合肥市行政审批系统');
    expect(page).toContain('请补充RPO要求');
    expect(page).toContain('切换至异地灾备中心');
    const sites = await (await t.request('/dr/sites', { token: ops, headers: { 'accept-language': 'zh-CN' } })).text();
    expect(sites).toContain('省政务云异地灾备中心');
    for (const milestone of [
      '土地使用权',
      '环境影响评价',
      '节能评估',
      '项目建议书',
      '可行性研究报告',
      '初步设计',
      '施工图设计',
    ]) {
      expect(sites).toContain(milestone);
    }

    // Another department's user sees none of it.
    const stranger = await t.tokenFor('department-user', '340200-001');
    expect((await call('GET', '/systems/J-APPROVE', stranger)).status).toBe(404);
    expect((await call('GET', `/migration-requests/${approve}`, stranger)).status).toBe(404);
  });
});
