import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { drAuthorisationFixtures, insertSystems } from './testing.ts';

// Departments the demo gave no systems: every system in them is one of this file's own.
const own = '340100-061';
const other = '340100-062';
const hour = 3600;

/** One sample of a gauge in the registry's text output (0 when absent). */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
const remoteProtected = 'govops_dr_protections{site="dr-remote",state="protected"}';
const hefeiDegraded = 'govops_dr_protections{site="dr-hefei",state="degraded"}';

describe('DR API: protection, drills, follow-ups, levels, sites', () => {
  let t: TestConsole;
  let ops: string;
  let viewer: string;
  let dept: string;
  /** The demo's metrics and flag counts before this file changes anything. */
  let before: string;
  let flaggedBefore: Record<string, number>;
  const send = (method: string, path: string, body: unknown, token = ops) =>
    t.request(path, { method, token, body: JSON.stringify(body) });
  const get = async (path: string, token = viewer) => json(await t.request(path, { token }));
  const fields = async (res: Response) => (await json(res)).error.fields.map((f: any) => `${f.field} ${f.rule}`);
  const audited = async (action: string) =>
    t.store.db
      .selectFrom('audit_log')
      .select(['action', 'target', 'outcome', 'actor'])
      .where('action', '=', action)
      .execute();

  beforeAll(async () => {
    t = await testConsole();
    ops = await t.tokenFor('cloud-operator');
    viewer = await t.tokenFor('viewer');
    dept = await t.tokenFor('department-user', own);
    before = await t.deps.registry.metrics();
    flaggedBefore = (await get('/api/v1/dr/matrix?limit=1')).flagged;
    await insertSystems(t.store.db, t.clock.now().toISOString(), [
      { code: 'zz-tax', department_code: own, rpo_seconds: 900, target_dr_level: 5 },
      { code: 'zz-portal', department_code: own, mlps_level: 2, rpo_seconds: 3600, target_dr_level: 3 },
      { code: 'zz-other', department_code: other, target_dr_level: 4 },
    ]);
  });
  afterAll(() => t.dispose());

  it('refuses bad input naming the field, and a production site as a DR site', async () => {
    const bad = await send('PUT', '/api/v1/systems/zz-tax/protections/dr-hefei', { mode: 'mirror', lagSeconds: -1 });
    expect(bad.status).toBe(400);
    expect(await fields(bad)).toEqual(['mode invalid_value', 'lagSeconds too_small']);
    const noMode = await send('PUT', '/api/v1/systems/zz-tax/protections/dr-hefei', { state: 'configuring' });
    expect(await fields(noMode)).toEqual(['mode required']);
    const production = await send('PUT', '/api/v1/systems/zz-tax/protections/prod-hefei', { mode: 'synchronous' });
    expect(production.status).toBe(400);
    expect(await fields(production)).toEqual(['site not_a_dr_site']);
    expect((await send('PUT', '/api/v1/systems/zz-none/protections/dr-hefei', { mode: 'synchronous' })).status).toBe(
      404,
    );
    expect((await send('PUT', '/api/v1/systems/zz-tax/protections/nowhere', { mode: 'synchronous' })).status).toBe(404);
    expect(await get('/api/v1/systems/zz-tax/protections')).toEqual({ items: [] });
  });

  it('protects a system, computes no level until a drill passes, then the level the table gives', async () => {
    const created = await send('PUT', '/api/v1/systems/zz-tax/protections/dr-remote', {
      mode: 'asynchronous',
      state: 'protected',
      lagSeconds: 120,
      lastRecoveryPoint: '2026-11-21T07:58:00Z',
    });
    expect(created.status).toBe(200);
    expect(await json(created)).toMatchObject({
      system: 'zz-tax',
      site: 'dr-remote',
      siteRole: 'remote-dr',
      mode: 'asynchronous',
      state: 'protected',
      lagSeconds: 120,
      achievedLevel: null,
      targetLevel: 5,
      // Protected but with no passed drill: the target is not shown to be met.
      targetNotMet: true,
      lagAboveRpo: false,
      version: 1,
    });

    const planned = await send('POST', '/api/v1/drills', {
      system: 'zz-tax',
      site: 'dr-remote',
      plannedOn: '2026-11-20',
    });
    expect(planned.status).toBe(201);
    const drill = await json(planned);
    const passedWithoutFigures = await send('PATCH', `/api/v1/drills/${drill.id}`, {
      executedAt: '2026-11-20T22:00:00Z',
      result: 'passed',
    });
    expect(await fields(passedWithoutFigures)).toEqual([
      'measuredRtoSeconds required_for_passed',
      'measuredRpoSeconds required_for_passed',
    ]);
    const recorded = await send('PATCH', `/api/v1/drills/${drill.id}`, {
      executedAt: '2026-11-20T22:00:00Z',
      result: 'passed',
      measuredRtoSeconds: 90 * 60,
      measuredRpoSeconds: 300,
      evidence: 'Switched over to the remote site and back.',
      attachments: ['皖政务云〔2026〕12号'],
      cleanupConfirmed: true,
    });
    expect(recorded.status).toBe(200);
    expect(await json(recorded)).toMatchObject({
      result: 'passed',
      measuredRtoSeconds: 5400,
      targetRtoSeconds: 4 * hour,
      measuredRpoSeconds: 300,
      targetRpoSeconds: 900,
      attachments: ['皖政务云〔2026〕12号'],
      cleanupConfirmed: true,
    });
    // RTO 90 min ≤ 2 h, RPO max(300, 120) ≤ 30 min, asynchronous is real-time: level 5, the target.
    expect(await get('/api/v1/systems/zz-tax/protections/dr-remote')).toMatchObject({
      achievedLevel: 5,
      targetNotMet: false,
    });

    // Replication tooling posts a lag above the RPO: level drops to 4, both flags show.
    const lagging = await send('PUT', '/api/v1/systems/zz-tax/protections/dr-remote', { lagSeconds: 45 * 60 });
    expect(await json(lagging)).toMatchObject({
      mode: 'asynchronous',
      state: 'protected',
      achievedLevel: 4,
      targetNotMet: true,
      lagAboveRpo: true,
      version: 2,
    });
    const stale = await send('PUT', '/api/v1/systems/zz-tax/protections/dr-remote', { lagSeconds: 60, version: 1 });
    expect(stale.status).toBe(409);
    expect((await json(stale)).error.code).toBe('stale_protection');
    expect(
      (await send('PUT', '/api/v1/systems/zz-tax/protections/dr-remote', { lagSeconds: 60, version: 2 })).status,
    ).toBe(200);
    expect(await get('/api/v1/systems/zz-tax/protections/dr-remote')).toMatchObject({ achievedLevel: 5, version: 3 });
  });

  it('recomputes achieved levels when an operator corrects the level table', async () => {
    const { items } = await get('/api/v1/dr/levels');
    expect(items.map((l: any) => l.level)).toEqual([1, 2, 3, 4, 5, 6]);
    const five = items.find((l: any) => l.level === 5);
    const { level: _l, updatedAt: _a, updatedBy: _b, ...row } = five;
    const corrected = await send('PUT', '/api/v1/dr/levels/5', { ...row, rtoMaxSeconds: hour });
    expect(corrected.status).toBe(200);
    expect(await json(corrected)).toMatchObject({
      level: 5,
      rtoMaxSeconds: hour,
      updatedBy: expect.stringContaining('test cloud-operator'),
    });
    expect(await get('/api/v1/systems/zz-tax/protections/dr-remote')).toMatchObject({
      achievedLevel: 4,
      targetNotMet: true,
    });
    const bad = await send('PUT', '/api/v1/dr/levels/5', { ...row, rtoMaxSeconds: 'soon' });
    expect(await fields(bad)).toEqual(['rtoMaxSeconds invalid_type']);
    await send('PUT', '/api/v1/dr/levels/5', row);
    expect(await get('/api/v1/systems/zz-tax/protections/dr-remote')).toMatchObject({ achievedLevel: 5 });
    expect((await audited('dr_level.correct')).map((a) => a.outcome)).toEqual(['success', 'success']);
    expect((await audited('PUT /api/v1/dr/levels/:level')).map((a) => a.outcome)).toEqual(['failure']);
  });

  it('opens a follow-up on a failed or partial drill, closed once', async () => {
    await send('PUT', '/api/v1/systems/zz-portal/protections/dr-hefei', { mode: 'backup-based', state: 'degraded' });
    const drill = await json(
      await send('POST', '/api/v1/drills', { system: 'zz-portal', site: 'dr-hefei', plannedOn: '2026-11-15' }),
    );
    const failed = await send('PATCH', `/api/v1/drills/${drill.id}`, {
      executedAt: '2026-11-15T20:00:00Z',
      result: 'failed',
      evidence: 'Restore stopped: backup catalogue out of date.',
    });
    expect(failed.status).toBe(200);
    const { items, followUps } = await get('/api/v1/systems/zz-portal/drills');
    expect(items.map((d: any) => d.result)).toEqual(['failed']);
    expect(followUps).toEqual([
      expect.objectContaining({
        drill: drill.id,
        drillResult: 'failed',
        drillSite: 'dr-hefei',
        status: 'open',
        text: 'Restore stopped: backup catalogue out of date.',
      }),
    ]);
    // Recording the same drill again does not open a second follow-up.
    await send('PATCH', `/api/v1/drills/${drill.id}`, { executedAt: '2026-11-15T20:00:00Z', result: 'partial' });
    expect((await get('/api/v1/systems/zz-portal/drills')).followUps).toHaveLength(1);

    const close = () => send('POST', `/api/v1/follow-ups/${followUps[0].id}/close`, { note: 'catalogue rebuilt' });
    const closed = await close();
    expect(await json(closed)).toMatchObject({
      status: 'closed',
      closedBy: expect.stringContaining('test cloud-operator'),
    });
    expect((await close()).status).toBe(409);

    const log = await get(`/api/v1/drills?outcome=partial&department=${own}`);
    expect(log.items.map((d: any) => d.system)).toEqual(['zz-portal']);
    expect((await get('/api/v1/drills?system=zz-tax')).total).toBe(1);
  });

  it('shows the matrix with flags, filters and counts', async () => {
    await send('PUT', '/api/v1/systems/zz-other/protections/dr-hefei', { mode: 'synchronous', state: 'initial-sync' });
    const matrix = await get('/api/v1/dr/matrix?q=zz-&sort=code');
    expect(matrix.sites.map((s: any) => s.code)).toEqual(['dr-hefei', 'dr-remote']);
    expect(matrix.items.map((r: any) => [r.code, r.flags])).toEqual([
      ['zz-other', []],
      ['zz-portal', ['drill-overdue']],
      ['zz-tax', []],
    ]);
    const portal = matrix.items[1];
    expect(portal.cells).toEqual({
      'dr-hefei': expect.objectContaining({ state: 'degraded', mode: 'backup-based', achievedLevel: null }),
      'dr-remote': null,
    });
    // Counted over every system the viewer may see, filters aside: the demo's plus zz-portal.
    expect(matrix.flagged).toEqual({ ...flaggedBefore, 'drill-overdue': flaggedBefore['drill-overdue']! + 1 });
    const codes = async (query: string) =>
      (await get(`/api/v1/dr/matrix?q=zz-&${query}`)).items.map((r: any) => r.code as string);
    expect(await codes('flag=drill-overdue')).toEqual(['zz-portal']);
    expect(await codes('state=initial-sync')).toEqual(['zz-other']);
    expect(await codes('mlps=2')).toEqual(['zz-portal']);
    expect(await codes(`department=${other}`)).toEqual(['zz-other']);
    expect(await codes('region=340100&sort=name&order=desc')).toEqual(['zz-tax', 'zz-portal', 'zz-other']);
    expect((await send('GET', '/api/v1/dr/matrix?mlps=9', undefined, viewer)).status).toBe(400);

    // The overdue period is a setting: one month back the November drill failed, still overdue.
    expect(await get('/api/v1/dr/settings')).toEqual({ drillOverdueMonths: 12 });
    expect((await send('PUT', '/api/v1/dr/settings', { drillOverdueMonths: 61 })).status).toBe(400);
    expect(await json(await send('PUT', '/api/v1/dr/settings', { drillOverdueMonths: 1 }))).toEqual({
      drillOverdueMonths: 1,
    });
    t.clock.advance(40 * 24 * hour * 1000);
    expect(await codes('flag=drill-overdue')).toEqual(['zz-portal', 'zz-tax']);

    // On top of the demo's: zz-tax protected at the remote site, zz-portal degraded same-city.
    const metrics = await t.deps.registry.metrics();
    expect(sample(metrics, remoteProtected)).toBe(sample(before, remoteProtected) + 1);
    expect(sample(metrics, hefeiDegraded)).toBe(sample(before, hefeiDegraded) + 1);
    const overdue = (await get('/api/v1/dr/matrix?limit=1')).flagged['drill-overdue'];
    expect(overdue).toBeGreaterThan(1);
    expect(sample(metrics, 'govops_dr_systems_flagged{flag="drill_overdue"}')).toBe(overdue);
    expect(metrics).not.toContain('zz-');
  });

  it('keeps department users to their own department, read only', async () => {
    expect((await get('/api/v1/systems/zz-tax/protections', dept)).items).toHaveLength(1);
    expect((await t.request('/api/v1/systems/zz-other/protections', { token: dept })).status).toBe(404);
    expect((await t.request('/api/v1/systems/zz-other/drills', { token: dept })).status).toBe(404);
    const mine = await get('/api/v1/dr/matrix?q=zz-', dept);
    expect(mine.items.map((r: any) => r.code)).toEqual(['zz-portal', 'zz-tax']);
    expect((await t.request(`/api/v1/dr/matrix?department=${other}`, { token: dept })).status).toBe(403);
    const drills = (await get('/api/v1/drills', dept)).items;
    expect(drills.map((d: any) => d.system).sort()).toEqual(['zz-portal', 'zz-tax']);
    expect(drills.every((d: any) => d.department === own)).toBe(true);
    const write = await send('PUT', '/api/v1/systems/zz-tax/protections/dr-hefei', { mode: 'synchronous' }, dept);
    expect(write.status).toBe(403);
    // Refused before anything is read: on record under the route, with the target asked for.
    const refused = await t.store.db
      .selectFrom('audit_log')
      .select(['action', 'target'])
      .where('outcome', '=', 'denied')
      .where('role', '=', 'department-user')
      .execute();
    expect(refused).toContainEqual({
      action: 'PUT /api/v1/systems/:code/protections/:site',
      target: '/api/v1/systems/zz-tax/protections/dr-hefei',
    });
  });

  it('tracks the DR sites’ construction: status and milestones', async () => {
    const remoteSite = async () => (await get('/api/v1/dr/sites')).items.find((s: any) => s.code === 'dr-remote');
    // As the demo left it: six approvals, the construction drawings still in review.
    const demo = await remoteSite();
    expect(demo).toMatchObject({ status: 'under-construction', approved: 6 });
    expect(demo.milestones.find((m: any) => m.kind === 'construction-drawings').status).toBe('in-progress');

    const milestone = (kind: string, body: unknown, token = ops) =>
      send('PUT', `/api/v1/dr/sites/dr-remote/milestones/${kind}`, body, token);
    const incomplete = await milestone('construction-drawings', { status: 'approved' });
    expect(await fields(incomplete)).toEqual(['documentNo required_when_approved', 'decidedOn required_when_approved']);
    expect((await milestone('planning-permit', { status: 'approved' })).status).toBe(404);
    const ok = await milestone('construction-drawings', {
      status: 'approved',
      documentNo: '皖建审〔2026〕9号',
      decidedOn: '2026-10-30',
    });
    expect(ok.status).toBe(200);
    const status = await send('PATCH', '/api/v1/dr/sites/dr-remote', { status: 'commissioning' });
    expect(await json(status)).toMatchObject({ code: 'dr-remote', status: 'commissioning', approved: 7 });
    const remote = await remoteSite();
    expect(remote.status).toBe('commissioning');
    // Only the construction drawings changed; the other approvals are as they were.
    expect(remote.milestones).toEqual(
      demo.milestones.map((m: any) =>
        m.kind === 'construction-drawings'
          ? {
              ...m,
              status: 'approved',
              documentNo: '皖建审〔2026〕9号',
              decidedOn: '2026-10-30',
              note: '',
              updatedAt: expect.any(String),
              updatedBy: expect.stringContaining('test cloud-operator'),
            }
          : m,
      ),
    );
    expect((await send('PATCH', '/api/v1/dr/sites/dr-remote', { status: 'built' })).status).toBe(400);
    expect((await milestone('construction-drawings', { status: 'in-progress' }, viewer)).status).toBe(403);
    expect((await remoteSite()).approved).toBe(7);
    expect((await audited('dr_site.milestone')).map((a) => a.outcome)).toEqual(['failure', 'failure', 'success']);
    expect((await audited('PUT /api/v1/dr/sites/:code/milestones/:kind')).map((a) => a.outcome)).toEqual(['denied']);
  });

  it('gives the authorisation matrix what every DR route needs', async () => {
    const at = t.clock.now().toISOString();
    const { drill, followUp } = await drAuthorisationFixtures({ dr: t.deps.dr, db: t.store.db, at }, 'zz-matrix', own);
    expect((await t.request('/api/v1/systems/zz-matrix/protections/dr-remote', { token: dept })).status).toBe(200);
    const recorded = await send('PATCH', `/api/v1/drills/${drill}`, { executedAt: at, result: 'partial' });
    expect(recorded.status).toBe(200);
    expect((await send('POST', `/api/v1/follow-ups/${followUp}/close`, {})).status).toBe(200);
  });
});
