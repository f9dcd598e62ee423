import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { insertSystems, metricValue } from './testing.ts';

const pgUp = await postgresAvailable();
// First start loads the demo's systems, requests and waves W1–W5. The test's systems are `T-` coded,
// in two departments the demo gave no system (Hefei's petitions bureau, a Wuhu department), and its
// waves are TW…; lists, board and metrics are compared with what the demo alone shows.
const hefei = '340100-043';
const wuhu = '340200-001';
const migrationSystems = (state: string) => `govops_migration_systems{state="${state}"}`;

describe.each(backends)('migration API on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let dept: string;
  let otherDept: string;
  let operator: string;
  let viewer: string;
  /** What the demo alone shows before the tests move anything. */
  let demoBoard: Map<string, number>;
  let demoScrape: string;
  let demoInHefei: number;

  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open, demo: true });
    dept = await t.tokenFor('department-user', hefei);
    otherDept = await t.tokenFor('department-user', wuhu);
    operator = await t.tokenFor('cloud-operator');
    viewer = await t.tokenFor('viewer');
    await insertSystems(t.store.db, t.clock.now(), [
      { code: 'T-DB', name: '不动产登记数据库', department_code: hefei, mlps_level: 2 },
      { code: 'T-REG', name: '不动产登记系统', department_code: hefei, mlps_level: 3, dependsOn: ['T-DB'] },
      { code: 'T-UNGRADED', department_code: hefei },
      { code: 'T-WUHU', department_code: wuhu, mlps_level: 2 },
    ]);
    demoBoard = await boardStates();
    demoScrape = await t.deps.registry.metrics();
    demoInHefei = (await get('/migration-requests?region=340100&limit=1', viewer)).total;
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const send = (method: string, path: string, token: string, body?: unknown, lang?: string) =>
    t.request(`/api/v1${path}`, {
      method,
      token,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headers: lang ? { 'accept-language': lang } : {},
    });
  const get = async (path: string, token: string) => json(await send('GET', path, token));
  /** The board's count per state, as the viewer sees it. */
  const boardStates = async () =>
    new Map<string, number>(
      (await get('/migration-board?cards=0', viewer)).columns.flatMap((c: any) =>
        c.states.map((s: any) => [s.state, s.count]),
      ),
    );
  const version = async (id: string) => (await get(`/migration-requests/${id}`, operator)).version as number;
  /** Moves a request, expecting success; returns the request. */
  const move = async (id: string, to: string, extra: Record<string, unknown> = {}, token = operator) => {
    const res = await send('POST', `/migration-requests/${id}/moves`, token, {
      to,
      version: await version(id),
      ...extra,
    });
    const body = await json(res);
    if (res.status !== 200) throw new Error(`${to}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  /** A draft by the department, submitted and approved, assessed; ready to plan. */
  const assessed = async (system: string) => {
    const draft = await json(await send('POST', '/migration-requests', dept, { system, justification: '上云' }));
    await move(draft.id, 'submitted', {}, dept);
    await move(draft.id, 'approved');
    await move(draft.id, 'assessed', { strategy: 'rehost', readiness: 'ready' });
    return draft.id as string;
  };
  const plan = (wave: string) => ({
    wave,
    cutoverStart: '2026-12-05T14:00:00Z',
    cutoverEnd: '2026-12-05T18:00:00+00:00',
  });

  it.runIf(enabled)(
    'walks the done-when path: draft, return once, approve, assess with a quota request, plan behind its dependency, gates at cut-over and acceptance',
    async () => {
      // A department user drafts a request for its level-3 system; one open request per system.
      const created = await send('POST', '/migration-requests', dept, { system: 'T-REG', targetSite: 'prod-hefei' });
      expect(created.status).toBe(201);
      const r = await json(created);
      expect(r).toMatchObject({ system: 'T-REG', department: hefei, state: 'draft', version: 1, mlpsLevel: 3 });
      const twice = await send('POST', '/migration-requests', dept, { system: 'T-REG' });
      expect(twice.status).toBe(409);
      expect((await json(twice)).error).toMatchObject({ code: 'migration_request_open', details: { id: r.id } });

      // Submitting needs a justification; the draft is edited, then submitted.
      const bare = await send('POST', `/migration-requests/${r.id}/moves`, dept, { to: 'submitted', version: 1 });
      expect(bare.status).toBe(400);
      expect((await json(bare)).error.fields.map((f: any) => f.field)).toEqual(['justification']);
      const edited = await send('PATCH', `/migration-requests/${r.id}`, dept, {
        version: 1,
        justification: '机房到期',
      });
      expect(await json(edited)).toMatchObject({ justification: '机房到期', version: 2 });
      await move(r.id, 'submitted', { comment: 'please' }, dept);

      // A department user cannot make an operator's move; an illegal one is 409 naming state and allowed moves.
      const approveByDept = await send('POST', `/migration-requests/${r.id}/moves`, dept, {
        to: 'approved',
        version: 3,
      });
      expect(approveByDept.status).toBe(403);
      const illegal = await send(
        'POST',
        `/migration-requests/${r.id}/moves`,
        operator,
        { to: 'planned', version: 3 },
        'zh-CN',
      );
      expect(illegal.status).toBe(409);
      const illegalBody = await json(illegal);
      expect(illegalBody.error.code).toBe('illegal_transition');
      expect(illegalBody.error.details).toEqual({
        state: 'submitted',
        to: 'planned',
        allowed: ['returned', 'rejected', 'approved', 'cancelled'],
      });
      expect(illegalBody.error.message).toBe(
        '申请当前状态为“已提交”，不能转为“已排期”。可转为：已退回、已驳回、已批准、已取消。',
      );

      // Returned once (a comment is required), resubmitted, approved; a stale version is refused.
      const noReason = await send('POST', `/migration-requests/${r.id}/moves`, operator, {
        to: 'returned',
        version: 3,
      });
      expect(noReason.status).toBe(400);
      expect((await json(noReason)).error.fields[0]).toMatchObject({ field: 'comment', rule: 'required' });
      await move(r.id, 'returned', { comment: '请补充RPO要求' });
      await move(r.id, 'submitted', { comment: 'RPO 15 分钟' }, dept);
      await move(r.id, 'approved');
      const stale = await send('POST', `/migration-requests/${r.id}/moves`, operator, { to: 'assessed', version: 3 });
      expect(stale.status).toBe(409);
      expect((await json(stale)).error).toMatchObject({ code: 'stale', details: { version: 6, state: 'approved' } });

      // The assessment raises a quota request for its sizing through the quota workflow.
      const assessedReq = await move(r.id, 'assessed', {
        strategy: 'replatform',
        readiness: '数据库需迁移至云数据库',
        sizing: { cpu: '16', memory: '64Gi' },
        raiseQuotaRequest: true,
      });
      expect(assessedReq).toMatchObject({
        state: 'assessed',
        strategy: 'replatform',
        sizing: { cpu: { requests: 16_000 } },
      });
      const quota = await get(`/quota-requests/${assessedReq.quotaRequestId}`, operator);
      expect(quota).toMatchObject({ department: hefei, site: 'prod-hefei', status: 'pending' });

      // Waves: TW1 before TW2 (after the demo's W1–W5). Its dependency T-DB is planned into TW2, so
      // T-REG cannot go into TW1.
      expect((await send('POST', '/waves', dept, { code: 'TW0', name: 'x', position: 10 })).status).toBe(403);
      for (const [code, position] of [
        ['TW1', 11],
        ['TW2', 12],
      ] as const) {
        const res = await send('POST', '/waves', operator, {
          code,
          name: `第${position}批`,
          position,
          windowStart: '2026-12-01T00:00:00Z',
          windowEnd: '2026-12-31T00:00:00Z',
        });
        expect(res.status).toBe(201);
      }
      const db = await assessed('T-DB');
      await move(db, 'planned', plan('TW2'));
      const early = await send('POST', `/migration-requests/${r.id}/moves`, operator, {
        to: 'planned',
        version: await version(r.id),
        ...plan('TW1'),
      });
      expect(early.status).toBe(409);
      expect((await json(early)).error).toMatchObject({
        code: 'dependency_in_later_wave',
        details: { dependency: 'T-DB', wave: 'TW2' },
      });
      const badWindow = await send('POST', `/migration-requests/${r.id}/moves`, operator, {
        to: 'planned',
        version: await version(r.id),
        wave: 'TW2',
        cutoverStart: '2026-12-05T18:00:00Z',
        cutoverEnd: '2026-12-05T14:00:00Z',
      });
      expect((await json(badWindow)).error.fields).toEqual([
        expect.objectContaining({ field: 'cutoverEnd', rule: 'cutover_window_order' }),
      ]);
      await move(r.id, 'planned', plan('TW2'));

      // Through build and test, with one rollback after failed tests.
      for (const to of ['replicating', 'ready-for-test', 'testing']) await move(r.id, to);
      await move(r.id, 'ready-for-test', { comment: '性能测试未通过' });
      for (const to of ['testing', 'ready-for-cutover']) await move(r.id, to);

      // The dependency is not on the cloud yet: no cut-over.
      const blocked = await send('POST', `/migration-requests/${r.id}/moves`, operator, {
        to: 'cutting-over',
        version: await version(r.id),
      });
      expect(blocked.status).toBe(409);
      expect((await json(blocked)).error).toMatchObject({
        code: 'gate_refused',
        details: { problems: [{ gate: 'dependency_not_cut_over', system: 'T-DB' }] },
      });
      for (const to of ['replicating', 'ready-for-test', 'testing', 'ready-for-cutover', 'cutting-over', 'cut-over'])
        await move(db, to);
      for (const to of ['cutting-over', 'cut-over']) await move(r.id, to);

      // Level 3: acceptance waits for a protected remote site with real-time replication and a passed drill there.
      const detail = await get(`/migration-requests/${r.id}`, operator);
      expect(detail.allowed).toEqual([
        { to: 'accepted', gates: [{ gate: 'remote_protection_missing' }, { gate: 'passed_drill_missing' }] },
      ]);
      const refused = await send(
        'POST',
        `/migration-requests/${r.id}/moves`,
        operator,
        { to: 'accepted', version: detail.version },
        'en',
      );
      expect(refused.status).toBe(409);
      const refusedBody = await json(refused);
      expect(refusedBody.error.message).toBe(
        'The request cannot move from Cut over (hypercare) to Accepted: no protection at a remote DR site with real-time replication in state protected, no passed drill at that remote DR site.',
      );
      const at = t.clock.now().toISOString();
      await t.store.db
        .insertInto('dr_protections')
        .values({
          system_code: 'T-REG',
          site_code: 'dr-remote',
          mode: 'asynchronous',
          state: 'protected',
          lag_seconds: 30,
          last_recovery_point: at,
          achieved_level: 5,
          version: 1,
          updated_at: at,
          updated_by: 'test',
        })
        .execute();
      const stillRefused = await send('POST', `/migration-requests/${r.id}/moves`, operator, {
        to: 'accepted',
        version: detail.version,
      });
      expect((await json(stillRefused)).error.details.problems).toEqual([{ gate: 'passed_drill_missing' }]);
      await t.store.db
        .insertInto('dr_drills')
        .values({
          id: 'drill-1',
          system_code: 'T-REG',
          site_code: 'dr-remote',
          planned_on: '2026-11-20',
          executed_at: at,
          result: 'passed',
          measured_rto_seconds: 1800,
          measured_rpo_seconds: 60,
          evidence: '',
          attachments: '[]',
          cleanup_confirmed: 1,
          created_at: at,
          created_by: 'test',
          updated_at: at,
        })
        .execute();
      const accepted = await move(r.id, 'accepted', { comment: '演练通过' });
      expect(accepted.state).toBe('accepted');

      // Every move is in the history (who, when, from, to, comment) and in the audit trail.
      const history = (await get(`/migration-requests/${r.id}`, dept)).history;
      expect(history.map((e: any) => e.to)).toEqual([
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
        'ready-for-test',
        'testing',
        'ready-for-cutover',
        'cutting-over',
        'cut-over',
        'accepted',
      ]);
      expect(history[2]).toMatchObject({ from: 'submitted', to: 'returned', comment: '请补充RPO要求' });
      expect(history[2].actor).toMatch(/^token:test cloud-operator/);
      const audit = await t.deps.audit.list({ limit: 200 });
      const moves = audit.filter(
        (a: any) => a.action === 'migration_request.move' && a.target === `migration_request:${r.id}`,
      );
      expect(moves.filter((a: any) => a.outcome === 'success')).toHaveLength(15);
      expect(moves.some((a: any) => a.outcome !== 'success' && JSON.parse(a.detail).error === 'gate_refused')).toBe(
        true,
      );

      // The wave shows the progress and, with a rollback and refused gates this week, an error.
      const waves = (await get('/waves', viewer)).items;
      expect(waves.map((w: any) => w.code)).toEqual(['W1', 'W2', 'W3', 'W4', 'W5', 'TW1', 'TW2']);
      expect(waves[6]).toMatchObject({
        total: 2,
        cutOver: 2,
        cutOverShare: 1,
        health: 'error',
        byState: { accepted: 1, 'cut-over': 1 },
      });
      expect(waves[5]).toMatchObject({ total: 0, health: 'healthy' });
    },
  );

  it.runIf(enabled)('refuses the cut-over of a system with no MLPS level, naming the gate', async () => {
    const id = await assessed('T-UNGRADED');
    await move(id, 'planned', plan('TW1'));
    for (const to of ['replicating', 'ready-for-test', 'testing', 'ready-for-cutover']) await move(id, to);
    const res = await send(
      'POST',
      `/migration-requests/${id}/moves`,
      operator,
      { to: 'cutting-over', version: await version(id) },
      'zh-CN',
    );
    expect(res.status).toBe(409);
    const body = await json(res);
    expect(body.error.details.problems).toEqual([{ gate: 'mlps_level_missing' }]);
    expect(body.error.message).toContain('系统尚未登记等保级别');
    expect((await get(`/migration-requests/${id}`, operator)).state).toBe('ready-for-cutover');
    // On hold remembers where it was and resumes there.
    await move(id, 'on-hold', { comment: '等保定级中' });
    const held = await get(`/migration-requests/${id}`, operator);
    expect(held).toMatchObject({ state: 'on-hold', heldFrom: 'ready-for-cutover' });
    expect(held.allowed.map((m: any) => m.to)).toEqual(['ready-for-cutover', 'cancelled']);
    expect((await get('/waves/TW1', viewer)).health).toBe('error');
    await move(id, 'ready-for-cutover');
    expect(await get(`/migration-requests/${id}`, operator)).toMatchObject({
      state: 'ready-for-cutover',
      heldFrom: null,
    });
  });

  it.runIf(enabled)('confines department users to their own department, auditing the refusal', async () => {
    const foreign = await send('POST', '/migration-requests', dept, { system: 'T-WUHU' });
    expect(foreign.status).toBe(404);
    const theirs = await json(
      await send('POST', '/migration-requests', otherDept, { system: 'T-WUHU', justification: 'x' }),
    );
    expect((await send('GET', `/migration-requests/${theirs.id}`, dept)).status).toBe(404);
    const reach = await send('POST', `/migration-requests/${theirs.id}/moves`, dept, { to: 'cancelled', version: 1 });
    expect(reach.status).toBe(404);
    const refusal = (await t.deps.audit.list({ limit: 50 })).find(
      (a: any) => a.target === `migration_request:${theirs.id}` && a.action === 'migration_request.move',
    );
    expect(refusal).toMatchObject({ outcome: 'failure', role: 'department-user' });
    expect(JSON.parse(refusal!.detail)).toMatchObject({ status: 404, error: 'migration_request_not_found' });
    expect((await get(`/migration-requests/${theirs.id}`, operator)).state).toBe('draft');

    const mine = await get('/migration-requests?limit=500', dept);
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((r: any) => r.department === hefei)).toBe(true);
    const everyone = await get(`/migration-requests?department=${wuhu}`, viewer);
    expect(everyone.items.map((r: any) => r.system)).toEqual(['T-WUHU']);
    expect((await send('POST', '/migration-requests', viewer, { system: 'T-DB' })).status).toBe(403);
    // The department's own withdrawal works; an operator-only move does not.
    const own = await get(`/migration-requests/${theirs.id}`, otherDept);
    expect(own.allowed.map((m: any) => m.to)).toEqual(['submitted', 'cancelled']);
    await move(theirs.id, 'cancelled', { comment: '暂缓' }, otherDept);
  });

  it.runIf(enabled)('filters, sorts and pages the list; the board counts per column and caps its cards', async () => {
    const byState = await get(`/migration-requests?state=accepted&department=${hefei}`, viewer);
    expect(byState.items.map((r: any) => r.system)).toEqual(['T-REG']);
    expect((await get('/migration-requests?state=accepted', viewer)).total).toBe(demoBoard.get('accepted')! + 1);
    // Only the test's systems have a code with `T-` in it.
    const sorted = await get('/migration-requests?q=T-&sort=system&order=asc&limit=2', viewer);
    expect(sorted.items.map((r: any) => r.system)).toEqual(['T-DB', 'T-REG']);
    expect(sorted.total).toBe(4);
    const second = await get('/migration-requests?q=T-&sort=system&order=asc&limit=2&offset=2', viewer);
    expect(second.items.map((r: any) => r.system)).toEqual(['T-UNGRADED', 'T-WUHU']);
    const registry = await get(`/migration-requests?q=不动产&mlps=3&department=${hefei}`, viewer);
    expect(registry.items.map((r: any) => r.system)).toEqual(['T-REG']);
    expect((await get('/migration-requests?wave=TW2', viewer)).total).toBe(2);
    expect((await get('/migration-requests?region=340100', viewer)).total).toBe(demoInHefei + 3);

    // The board: the demo's counts plus the test's four requests, each in its column.
    const board = await get('/migration-board?cards=1', viewer);
    const column = (key: string) => board.columns.find((c: any) => c.key === key);
    const added: Record<string, number> = { accepted: 1, 'cut-over': 1, 'ready-for-cutover': 1, cancelled: 1 };
    for (const c of board.columns)
      expect(c.states).toEqual(
        c.states.map((s: any) => ({ state: s.state, count: demoBoard.get(s.state)! + (added[s.state] ?? 0) })),
      );
    expect(column('accepted').count).toBe(demoBoard.get('accepted')! + demoBoard.get('source-decommissioned')! + 1);
    expect(column('hypercare').count).toBe(demoBoard.get('cut-over')! + 1);
    expect(board.columns.every((c: any) => c.cards.length === Math.min(1, c.count))).toBe(true);
    const mineOnly = await get('/migration-board', otherDept);
    expect(mineOnly.columns.reduce((n: number, c: any) => n + c.count, 0)).toBe(1);
  });

  it.runIf(enabled)('counts systems per state of their current request at scrape time', async () => {
    const text = await t.deps.registry.metrics();
    const moved = (state: string) =>
      metricValue(text, migrationSystems(state))! - metricValue(demoScrape, migrationSystems(state))!;
    expect(metricValue(demoScrape, migrationSystems('accepted'))).toBeGreaterThan(0);
    expect(moved('accepted')).toBe(1);
    expect(moved('cut-over')).toBe(1);
    expect(moved('ready-for-cutover')).toBe(1);
    expect(moved('cancelled')).toBe(1);
    expect(moved('done')).toBe(0);
    // The four test systems had no request when the demo was first scraped.
    expect(moved('none')).toBe(-4);
  });

  it.runIf(enabled)('answers bad input with 400 naming the field and unknown things with 404', async () => {
    expect((await send('GET', '/migration-requests/nope', operator)).status).toBe(404);
    expect((await send('POST', '/migration-requests', operator, { system: 'NOPE' })).status).toBe(404);
    const badSite = await send('POST', '/migration-requests', operator, { system: 'T-WUHU', targetSite: 'mars' });
    expect((await json(badSite)).error.fields[0]).toMatchObject({ field: 'targetSite', rule: 'unknown_site' });
    const badWave = await send('POST', '/waves', operator, {
      code: 'TW3',
      name: 'x',
      position: 13,
      windowStart: 'tomorrow',
    });
    expect((await json(badWave)).error.fields[0]).toMatchObject({ field: 'windowStart', rule: 'iso_instant' });
    expect((await send('POST', '/waves', operator, { code: 'TW1', name: 'again', position: 9 })).status).toBe(409);
    const patched = await send('PATCH', '/waves/TW1', operator, {
      name: '第一批（调整）',
      windowEnd: '2026-11-01T00:00:00Z',
    });
    expect(patched.status).toBe(400);
    const renamed = await json(await send('PATCH', '/waves/TW1', operator, { name: '第一批（调整）' }));
    expect(renamed).toMatchObject({ code: 'TW1', name: '第一批（调整）', position: 11 });
    expect((await send('POST', '/migration-requests/x/moves', operator, { to: 'flying', version: 1 })).status).toBe(
      400,
    );
  });
});
