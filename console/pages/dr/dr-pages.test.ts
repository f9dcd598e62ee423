import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../core/principal.ts';
import { insertSystems } from '../../dr/testing.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';

// Departments the demo gave no systems, so a department user there sees only this file's.
const own = '340100-061';
const other = '340100-062';
const operator: Principal = { kind: 'user', id: 'op', name: 'op', roles: ['cloud-operator'], department: null };

describe('DR pages', () => {
  let t: TestConsole;
  let ops: Session;
  let viewer: Session;
  let dept: Session;
  const page = async (path: string, session: Session, lang = 'en') => {
    const res = await t.visit(path, session, lang);
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    t = await testConsole();
    ops = await t.signIn('ops', ['cloud-operator']);
    viewer = await t.signIn('view', ['viewer']);
    dept = await t.signIn('dept', ['department-user'], own);
    await insertSystems(t.store.db, t.clock.now().toISOString(), [
      { code: 'zz-tax', department_code: own, name: '税务征管系统', rpo_seconds: 900, target_dr_level: 5 },
      { code: 'zz-other', department_code: other, name: '公文交换系统', target_dr_level: 4 },
    ]);
    await t.deps.dr.setProtection(operator, 'zz-tax', 'dr-hefei', {
      mode: 'synchronous',
      state: 'protected',
      lagSeconds: 0,
    });
    await t.deps.dr.setProtection(operator, 'zz-other', 'dr-remote', {
      mode: 'asynchronous',
      state: 'degraded',
      lagSeconds: 3600,
    });
  });
  afterAll(() => t.dispose());

  it('shows the matrix with states, levels and flags, in both languages, filtered', async () => {
    const en = await page('/dr?q=zz-', ops);
    expect(en.status).toBe(200);
    expect(en.text).toContain('税务征管系统');
    expect(en.text).toMatch(/id="system-zz-other"[\s\S]*Degraded[\s\S]*Asynchronous[\s\S]*Lag above RPO/);
    expect(en.text).toContain('Target not met');
    const zh = await page('/dr?q=zz-', ops, 'zh-CN');
    expect(zh.text).toContain('已保护');
    expect(zh.text).toContain('同步复制');
    expect(zh.text).toContain('降级');
    expect(zh.text).toContain('延迟超出 RPO');
    const lagging = await page('/dr?q=zz-&flag=lag-above-rpo', ops);
    expect(lagging.text).toContain('id="system-zz-other"');
    expect(lagging.text).not.toContain('id="system-zz-tax"');
    // A department user sees their own department's systems only.
    const mine = await page('/dr?q=zz-', dept);
    expect(mine.text).toContain('id="system-zz-tax"');
    expect(mine.text).not.toContain('zz-other');
    expect((await page('/dr/systems/zz-other', dept)).status).toBe(404);
  });

  it('plans and records drills through forms; a failed drill opens a follow-up that can be closed', async () => {
    const badDate = await t.submit(
      '/dr/drills',
      { system: 'zz-tax', site: 'dr-hefei', plannedOn: '2026-13-01' },
      ops,
      'en',
    );
    expect(badDate.status).toBe(400);
    expect(await badDate.text()).toMatch(/name="plannedOn"[^>]*aria-invalid="true"/);
    const production = await t.submit(
      '/dr/drills',
      { system: 'zz-tax', site: 'prod-hefei', plannedOn: '2026-11-20' },
      ops,
      'en',
    );
    expect(production.status).toBe(400);
    expect(await production.text()).toContain('names site prod-hefei, which is not a DR site');

    const planned = await t.submit('/dr/drills', { system: 'zz-tax', site: 'dr-hefei', plannedOn: '2026-11-20' }, ops);
    expect(planned.status).toBe(303);
    const [drill] = (await t.deps.dr.systemDrills(operator, 'zz-tax')).drills;
    const noFigures = await t.submit(
      `/dr/drills/${drill!.id}/record`,
      { executedAt: '2026-11-20T20:00:00Z', result: 'passed' },
      ops,
      'en',
    );
    expect(noFigures.status).toBe(400);
    expect(await noFigures.text()).toContain('is required for a passed drill');
    const failed = await t.submit(
      `/dr/drills/${drill!.id}/record`,
      {
        executedAt: '2026-11-20T20:00:00Z',
        result: 'failed',
        evidence: 'Switch-over script stopped.',
        attachments: 'DR-2026-11\nhttps://wiki/dr/42',
      },
      ops,
    );
    expect(failed.status).toBe(303);

    const section = await page('/dr/systems/zz-tax', ops, 'zh-CN');
    expect(section.text).toContain('未通过');
    expect(section.text).toContain('省政务云同城灾备中心 演练：未通过');
    expect(section.text).toContain('DR-2026-11 · https://wiki/dr/42');
    expect(section.text).toContain('（目标 4 小时）');
    const followUp = (await t.deps.dr.systemDrills(operator, 'zz-tax')).followUps[0]!;
    expect(section.text).toContain(`/dr/follow-ups/${followUp.id}/close`);
    expect((await page('/dr/systems/zz-tax', viewer)).text).not.toContain('/close');

    const closed = await t.submit(`/dr/follow-ups/${followUp.id}/close`, {}, ops);
    expect(closed.status).toBe(303);
    expect(closed.headers.get('location')).toBe('/systems/zz-tax?dr=closed#dr');
    expect((await page('/dr/systems/zz-tax', ops)).text).toMatch(/Closed .* by ops/);

    // The system's detail page carries the same section.
    const detail = await page('/systems/zz-tax', ops, 'en');
    expect(detail.status).toBe(200);
    expect(detail.text).toMatch(/<section id="dr"[\s\S]*Protection per DR site[\s\S]*Follow-ups/);

    const log = await page(`/dr/drills?outcome=failed&department=${own}`, viewer);
    expect(log.text).toContain(`id="drill-${drill!.id}"`);
    expect(log.text.match(/<tr id="drill-/g)).toHaveLength(1);
    expect(log.text).not.toContain('id="plan"');
  });

  it('edits a protection from the system section, refusing bad input beside the field', async () => {
    const bad = await t.submit(
      '/dr/systems/zz-tax/protections/dr-remote',
      { mode: '', state: 'requested', lagSeconds: 'soon' },
      ops,
      'en',
    );
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toMatch(/id="protection-form-dr-remote"[\s\S]*aria-invalid="true"/);
    const ok = await t.submit(
      '/dr/systems/zz-tax/protections/dr-remote',
      { mode: 'asynchronous', state: 'initial-sync', lagSeconds: '' },
      ops,
    );
    expect(ok.status).toBe(303);
    expect((await t.deps.dr.protection(operator, 'zz-tax', 'dr-remote')).state).toBe('initial-sync');
  });

  it('shows the DR centre under construction with its milestones; operators edit them', async () => {
    const zh = await page('/dr/sites', viewer, 'zh-CN');
    expect(zh.text).toMatch(/省政务云异地灾备中心[\s\S]*建设中[\s\S]*已批复 6\/7/);
    for (const word of [
      '土地使用权',
      '环境影响评价（环评）',
      '节能评估（能评）',
      '项目建议书',
      '可行性研究报告',
      '初步设计',
      '施工图设计',
      '进行中',
    ])
      expect(zh.text).toContain(word);
    expect(zh.text).toContain('黄环建函〔2023〕87号');
    expect(zh.text).not.toContain('/milestones/');

    const incomplete = await t.submit(
      '/dr/sites/dr-remote/milestones/construction-drawings',
      { status: 'approved', documentNo: '', decidedOn: '', note: '' },
      ops,
      'en',
    );
    expect(incomplete.status).toBe(400);
    expect(await incomplete.text()).toContain('is required once approved');
    const approved = await t.submit(
      '/dr/sites/dr-remote/milestones/construction-drawings',
      { status: 'approved', documentNo: '皖建审〔2026〕9号', decidedOn: '2026-10-30', note: '' },
      ops,
    );
    expect(approved.status).toBe(303);
    expect((await t.submit('/dr/sites/dr-remote/status', { status: 'commissioning' }, ops)).status).toBe(303);
    const en = await page('/dr/sites', ops);
    expect(en.text).toMatch(/省政务云异地灾备中心[\s\S]*Commissioning[\s\S]*7 of 7 approved/);
  });

  it('shows the level table and lets operators correct it and the overdue period', async () => {
    const view = await page('/dr/levels', viewer, 'zh-CN');
    expect(view.text).toContain('实时数据传输及完整设备支持');
    expect(view.text).toContain('minutes – 2 days');
    expect(view.text).not.toContain('level-form-5');
    const bad = await t.submit('/dr/settings', { drillOverdueMonths: '0' }, ops, 'en');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/name="drillOverdueMonths"[^>]*aria-invalid="true"/);
    expect((await t.submit('/dr/settings', { drillOverdueMonths: '6' }, ops)).status).toBe(303);
    expect((await page('/dr/levels', ops)).text).toContain('<strong id="overdue-months">6</strong>');
    const level = {
      nameEn: 'Basic support',
      nameZh: '基本支持',
      rtoText: '≥ 2 days',
      rpoText: '1–7 days',
      rtoMaxSeconds: '1209600',
      rpoMaxSeconds: '604800',
    };
    expect((await t.submit('/dr/levels/1', level, ops)).status).toBe(303);
    expect((await page('/dr/levels', ops)).text).toMatch(/id="level-1"[\s\S]*14 d/);
    expect((await t.submit('/dr/levels/1', level, viewer)).status).toBe(403);
  });
});
