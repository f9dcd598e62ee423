import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';

const pgUp = await postgresAvailable();
const Gi = 1024 ** 3;
const Ti = 1024 ** 4;
const department = '340100-001';
const other = '340200-001';

describe.each(backends)('capacity & quota API on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let requester: string;
  let operator: string;
  let viewer: string;
  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    requester = await t.tokenFor('department-user', department);
    operator = await t.tokenFor('cloud-operator');
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const post = (path: string, token: string, body: unknown) =>
    t.request(path, { method: 'POST', token, body: JSON.stringify(body) });
  const site = async (code: string) => json(await t.request(`/api/v1/capacity/${code}`, { token: viewer }));
  const allocated = (s: any, resource: string) => s.resources.find((r: any) => r.resource === resource).allocated;
  const revision = async () =>
    (await json(await t.request('/api/v1/provisioning/desired-state', { token: viewer }))).revision;

  it.runIf(enabled)(
    'runs the done-when path: request, smaller approval, ledger and revision move, history kept',
    async () => {
      const before = await site('prod-hefei');
      const rev = await revision();
      const filed = await post('/api/v1/quota-requests', requester, {
        department,
        site: 'prod-hefei',
        justification: '迁移不动产登记系统上云',
        allocation: { cpu: '64', memory: '256Gi', 'storage:hdd': '2Ti' },
      });
      expect(filed.status).toBe(201);
      const request = await json(filed);
      expect(request).toMatchObject({ status: 'pending', kind: 'change', version: 1 });
      expect(request.requested).toEqual({
        cpu: { requests: 64_000, limits: 64_000 },
        memory: { requests: 256 * Gi, limits: 256 * Gi },
        'storage:hdd': { requests: 2 * Ti, limits: 2 * Ti },
      });

      const approved = await post(`/api/v1/quota-requests/${request.id}/approve`, operator, {
        version: 1,
        allocation: { cpu: { requests: '48', limits: '64' }, memory: '192Gi', 'storage:hdd': '1536Gi' },
        note: 'start smaller',
      });
      expect(approved.status).toBe(200);
      expect(await json(approved)).toMatchObject({ status: 'approved', version: 2 });

      const after = await site('prod-hefei');
      // The demo department held 2 vCPU / 2 GiB / 50 GiB; the approval replaces it.
      expect(allocated(after, 'cpu').requests - allocated(before, 'cpu').requests).toBe(48_000 - 2000);
      expect(allocated(after, 'cpu').limits - allocated(before, 'cpu').limits).toBe(64_000 - 4000);
      expect(allocated(after, 'memory').requests - allocated(before, 'memory').requests).toBe(192 * Gi - 2 * Gi);
      expect(allocated(after, 'storage:hdd').requests - allocated(before, 'storage:hdd').requests).toBe(
        1536 * Gi - 50 * Gi,
      );
      expect(await revision()).toBe(rev + 1);

      const detail = await json(await t.request(`/api/v1/quota-requests/${request.id}`, { token: requester }));
      expect(detail.history.map((e: any) => e.action)).toEqual(['submitted', 'approved']);
      expect(detail.history[0].actor).toMatch(/^token:test department-user#/);
      expect(detail.history[1].actor).toMatch(/^token:test cloud-operator#/);
      expect(detail.history[1].amounts.cpu).toEqual({ requests: 48_000, limits: 64_000 });
      const quotas = await json(await t.request(`/api/v1/quotas/${department}`, { token: requester }));
      expect(quotas.items.find((q: any) => q.site === 'prod-hefei').allocation.cpu).toEqual({
        requests: 48_000,
        limits: 64_000,
      });

      const audit = await t.deps.audit.list({ limit: 50 });
      expect(audit.some((r: any) => r.action === 'quota_request.approve' && r.outcome === 'success')).toBe(true);
    },
  );

  it.runIf(enabled)(
    'refuses an approval beyond capacity × ratio, naming site, resource and shortfall, changing nothing',
    async () => {
      const before = await site('prod-hefei');
      const free = before.resources.find((r: any) => r.resource === 'cpu').free.requests;
      const filed = await json(
        await post('/api/v1/quota-requests', operator, {
          department: other,
          site: 'prod-hefei',
          justification: 'big batch job',
          // The department already holds 2 vCPU there, which the approval replaces.
          allocation: { cpu: `${free + 2000 + 1000}m` },
        }),
      );
      const rev = await revision();
      const res = await t.request(`/api/v1/quota-requests/${filed.id}/approve`, {
        method: 'POST',
        token: await t.tokenFor('cloud-operator'),
        body: JSON.stringify({ version: 1 }),
        headers: { 'accept-language': 'zh-CN' },
      });
      expect(res.status).toBe(409);
      const body = await json(res);
      expect(body.error.code).toBe('over_capacity');
      expect(body.error.message).toContain('prod-hefei');
      expect(body.error.message).toContain('cpu');
      expect(body.error.message).toContain('1 vCPU');
      expect(body.error.details.shortfalls[0]).toMatchObject({ resource: 'cpu', side: 'requests', shortfall: 1000 });
      expect(await site('prod-hefei')).toEqual(before);
      expect(await revision()).toBe(rev);
      const still = await json(await t.request(`/api/v1/quota-requests/${filed.id}`, { token: operator }));
      expect(still).toMatchObject({ status: 'pending', version: 1 });
    },
  );

  it.runIf(enabled)('keeps the four-eyes rule: the filer cannot decide their own request', async () => {
    const filed = await json(
      await post('/api/v1/quota-requests', operator, {
        department: '340300-001',
        site: 'dr-remote',
        justification: 'backup copies',
        allocation: { 'storage:hdd': '1Ti' },
      }),
    );
    const res = await post(`/api/v1/quota-requests/${filed.id}/approve`, operator, { version: 1 });
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('own_request');
  });

  it.runIf(enabled)('returns, resubmits, rejects; a stale decision gets 409 with the current version', async () => {
    const filed = await json(
      await post('/api/v1/quota-requests', requester, {
        department,
        site: 'dr-hefei',
        justification: 'same-city replica',
        allocation: { cpu: '8', memory: '16Gi' },
      }),
    );
    const returned = await post(`/api/v1/quota-requests/${filed.id}/return`, operator, {
      version: 1,
      reason: '请说明 RPO 要求',
    });
    expect(returned.status).toBe(200);
    const stale = await post(`/api/v1/quota-requests/${filed.id}/reject`, operator, { version: 1, reason: 'no' });
    expect(stale.status).toBe(409);
    expect(await json(stale)).toMatchObject({
      error: { code: 'stale_request', details: { version: 2, status: 'returned' } },
    });
    const again = await post(`/api/v1/quota-requests/${filed.id}/resubmit`, requester, {
      version: 2,
      justification: 'RPO 0: synchronous replica',
      allocation: { cpu: '8', memory: '16Gi' },
    });
    expect(await json(again)).toMatchObject({ status: 'pending', version: 3 });
    const rejected = await post(`/api/v1/quota-requests/${filed.id}/reject`, operator, {
      version: 3,
      reason: 'DR budget spent',
    });
    expect(await json(rejected)).toMatchObject({ status: 'rejected', reason: 'DR budget spent', version: 4 });
    const history = (await json(await t.request(`/api/v1/quota-requests/${filed.id}`, { token: requester }))).history;
    expect(history.map((e: any) => e.action)).toEqual(['submitted', 'returned', 'resubmitted', 'rejected']);
  });

  it.runIf(enabled)(
    'answers bad input with 400 naming the field, unknown things with 404, and writes nothing',
    async () => {
      const rev = await revision();
      const bad = async (allocation: unknown) => {
        const res = await post('/api/v1/quota-requests', requester, {
          department,
          site: 'dr-remote',
          justification: 'x',
          allocation,
        });
        expect(res.status).toBe(400);
        return (await json(res)).error.fields.map((f: any) => `${f.field} ${f.rule}`);
      };
      expect(await bad({ memory: '8GG' })).toEqual(['allocation.memory.requests quantity_format']);
      expect(await bad({ cpu: '-4' })).toEqual(['allocation.cpu.requests quantity_negative']);
      expect(await bad({ cpu: '1.0005' })).toEqual(['allocation.cpu.requests quantity_precision']);
      expect(await bad({ memory: '9Ei' })).toEqual(['allocation.memory.requests quantity_range']);
      expect(await bad({ cpu: { requests: '8', limits: '4' } })).toEqual([
        'allocation.cpu.limits limits_below_requests',
      ]);
      expect(await bad({ 'storage:ssd': '1Ti' })).toEqual(['allocation.storage:ssd not_offered']);
      expect(await bad({ disk: '1Ti' })).toEqual(['allocation.disk unknown_resource']);

      const unknownSite = await post('/api/v1/quota-requests', requester, {
        department,
        site: 'nowhere',
        justification: 'x',
        allocation: { cpu: '1' },
      });
      expect(unknownSite.status).toBe(404);
      const unknownDept = await post('/api/v1/quota-requests', operator, {
        department: 'NOPE-1',
        site: 'dr-remote',
        justification: 'x',
        allocation: { cpu: '1' },
      });
      expect(unknownDept.status).toBe(404);
      const foreign = await post('/api/v1/quota-requests', requester, {
        department: other,
        site: 'dr-remote',
        justification: 'x',
        allocation: { cpu: '1' },
      });
      expect(foreign.status).toBe(403);
      expect((await t.request('/api/v1/quota-requests/does-not-exist', { token: operator })).status).toBe(404);
      const open = await json(
        await t.request(`/api/v1/quota-requests?status=all&department=${department}`, { token: operator }),
      );
      expect(open.items.every((r: any) => r.site !== 'dr-remote')).toBe(true);
      expect(await revision()).toBe(rev);
    },
  );

  it.runIf(enabled)(
    'edits capacity under a version, refusing stale edits and cuts below what is allocated',
    async () => {
      const before = await site('dr-remote');
      const resources = (cpu: string) => [
        { resource: 'cpu', capacity: cpu, ratio: { requests: '1.0', limits: '4' } },
        { resource: 'memory', capacity: '3200Gi' },
        { resource: 'storage:hdd', capacity: '200Ti' },
      ];
      const put = (body: unknown) =>
        t.request('/api/v1/capacity/dr-remote', { method: 'PUT', token: operator, body: JSON.stringify(body) });
      const cut = await put({ version: before.version, resources: resources('10') });
      expect(cut.status).toBe(409);
      const cutBody = await json(cut);
      expect(cutBody.error.code).toBe('capacity_below_allocated');
      expect(cutBody.error.details.shortfalls[0]).toMatchObject({ resource: 'cpu', side: 'requests', ceiling: 10_000 });
      expect(await site('dr-remote')).toEqual(before);

      const rev = await revision();
      const grown = await put({ version: before.version, resources: resources('2000') });
      expect(grown.status).toBe(200);
      const view = await json(grown);
      expect(view.version).toBe(before.version + 1);
      expect(view.resources.find((r: any) => r.resource === 'cpu')).toMatchObject({
        capacity: 2_000_000,
        ceiling: { requests: 2_000_000, limits: 8_000_000 },
      });
      expect(await revision()).toBe(rev + 1);

      const stale = await put({ version: before.version, resources: resources('2100') });
      expect(stale.status).toBe(409);
      expect((await json(stale)).error.code).toBe('stale_capacity');

      const badRatio = await put({
        version: view.version,
        resources: [{ resource: 'cpu', capacity: '1x', ratio: { limits: '40' } }],
      });
      expect(badRatio.status).toBe(400);
      expect((await json(badRatio)).error.fields.map((f: any) => f.field).sort()).toEqual([
        'resources.0.capacity',
        'resources.0.ratio.limits',
      ]);
    },
  );

  it.runIf(enabled)('serves the desired state with an ETag per revision, 304 when unchanged', async () => {
    const res = await t.request('/api/v1/provisioning/desired-state', { token: operator });
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    const doc = await json(res);
    expect(etag).toBe(`"desired-${doc.revision}"`);
    const prod = doc.sites.find((s: any) => s.code === 'prod-hefei');
    expect(prod.namespaces.length).toBeGreaterThan(3000);
    const ns = prod.namespaces.find((n: any) => n.department.code === department);
    expect(ns).toMatchObject({ name: `dept-${department}`, group: `govcloud:dept:${department}` });
    const unchanged = await t.request('/api/v1/provisioning/desired-state', {
      token: operator,
      headers: { 'if-none-match': etag },
    });
    expect(unchanged.status).toBe(304);
    await t.request(`/api/v1/departments/${department}`, {
      method: 'PATCH',
      token: await t.tokenFor('system-admin'),
      body: JSON.stringify({ name: '合肥市发展和改革委员会（更名）' }),
    });
    const changed = await t.request('/api/v1/provisioning/desired-state', {
      token: operator,
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    const next = await json(changed);
    expect(next.revision).toBe(doc.revision + 1);
    expect(
      next.sites.find((s: any) => s.code === 'prod-hefei').namespaces.find((n: any) => n.department.code === department)
        .department.name,
    ).toBe('合肥市发展和改革委员会（更名）');
  });

  it.runIf(enabled)('confines department users to their own quotas and requests', async () => {
    const list = await json(await t.request('/api/v1/quotas?limit=500', { token: requester }));
    expect(new Set(list.items.map((q: any) => q.department))).toEqual(new Set([department]));
    expect((await t.request(`/api/v1/quotas/${other}`, { token: requester })).status).toBe(403);
    const requests = await json(await t.request('/api/v1/quota-requests?status=all', { token: requester }));
    expect(requests.items.every((r: any) => r.department === department)).toBe(true);
  });

  it.runIf(enabled)('sorts and filters the allocations list over every site', async () => {
    const byCpu = await json(
      await t.request('/api/v1/quotas?sort=cpu&order=desc&limit=5&site=prod-hefei', { token: viewer }),
    );
    const cpus = byCpu.items.map((q: any) => q.cpu.requests);
    expect(cpus).toEqual([...cpus].sort((a: number, b: number) => b - a));
    expect(byCpu.total).toBe(3196);
    const county = await json(await t.request('/api/v1/quotas?level=county&limit=1', { token: viewer }));
    expect(county.total).toBe(1900);
  });
});
