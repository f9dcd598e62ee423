import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { ensureDemoSystems } from './testing.ts';

const pgUp = await postgresAvailable();

// Feixi county's exchange front end depends on Hefei's exchange platform, which depends on the province's.
const feixiFrontend = '340123-019-frontend';
const hefeiExchange = '340100-044-exchange';
const feixiOffice = '340123-001';

describe.each(backends)('systems API on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let ops: string;
  let viewer: string;
  let feixi: string;
  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    await ensureDemoSystems(t.deps.uow, t.clock.now());
    ops = await t.tokenFor('cloud-operator');
    viewer = await t.tokenFor('viewer');
    feixi = await t.tokenFor('department-user', feixiOffice);
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const get = async (path: string, token = viewer) => json(await t.request(path, { token }));
  const send = (method: string, path: string, body: unknown, token = ops) =>
    t.request(path, { method, token, body: JSON.stringify(body) });
  const total = async (query = '') => (await get(`/api/v1/systems?limit=1${query}`)).total;

  it.runIf(enabled)('lists the demo’s 1,473 systems with department, region, level and current migration', async () => {
    const page = await get('/api/v1/systems?limit=20');
    expect(page.total).toBe(1473);
    expect(page.items).toHaveLength(20);
    expect(page.items[0]).toMatchObject({
      departmentName: expect.any(String),
      regionName: expect.any(String),
      demo: true,
    });
    expect(await total('&level=county')).toBe(736);
    // The demo's migrations: every system is either never requested or in its current request's state.
    const requested = await t.deps.uow
      .db()
      .selectFrom('migration_requests')
      .select((eb) => eb.fn.count<number>('system_code').distinct().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(requested.n)).toBeGreaterThan(0);
    expect(await total('&state=none')).toBe(1473 - Number(requested.n));
    const never = await get('/api/v1/systems?state=none&limit=5');
    expect(never.items.every((s: any) => s.migration === null)).toBe(true);
  });

  it.runIf(enabled)('filters by region and below, department, MLPS, network, hosting and text', async () => {
    // Hefei: its own 40 city systems and its nine counties' 71.
    expect(await total('&region=340100')).toBe(111);
    expect(await total('&region=340100&level=city')).toBe(40);
    expect(await total('&department=340123-019')).toBe(1);
    const cloud = await get('/api/v1/systems?hosting=cloud&limit=500');
    expect(cloud.total).toBeGreaterThan(0);
    expect(cloud.items.every((s: any) => s.hosting === 'cloud' && s.hostingSite === 'prod-hefei')).toBe(true);
    const ungraded = await get('/api/v1/systems?mlps=none&limit=500');
    expect(ungraded.items.every((s: any) => s.mlpsLevel === null)).toBe(true);
    const four = await get('/api/v1/systems?mlps=4&network=extranet&limit=500');
    expect(four.items.every((s: any) => s.mlpsLevel === 4 && s.network === 'extranet')).toBe(true);
    const text = await get(`/api/v1/systems?q=${encodeURIComponent('视频会议')}&limit=500`);
    expect(text.total).toBeGreaterThan(0);
    expect(text.items.every((s: any) => s.name.includes('视频会议'))).toBe(true);
  });

  it.runIf(enabled)('sorts and pages: every system once across offset pages', async () => {
    const byMlps = await get('/api/v1/systems?sort=mlps&order=desc&limit=5');
    expect(byMlps.items.map((s: any) => s.mlpsLevel)).toEqual([4, 4, 4, 4, 4]);
    const seen = new Set<string>();
    for (let offset = 0; offset < 1473; offset += 500) {
      const page = await get(`/api/v1/systems?sort=name&limit=500&offset=${offset}&level=city`);
      for (const s of page.items) seen.add(s.code);
    }
    expect(seen.size).toBe(640);
  });

  it.runIf(enabled)('answers a bad query with 400 naming each field', async () => {
    const res = await t.request('/api/v1/systems?mlps=7&sort=colour&flag=late', { token: viewer });
    expect(res.status).toBe(400);
    expect((await json(res)).error.fields.map((f: any) => f.field).sort()).toEqual(['flag', 'mlps', 'sort']);
  });

  it.runIf(enabled)('shows a system with its dependencies both ways', async () => {
    const detail = await get(`/api/v1/systems/${hefeiExchange}`);
    expect(detail).toMatchObject({ code: hefeiExchange, name: '合肥市数据共享交换平台', mlpsLevel: 3 });
    expect(detail.dependsOn.map((d: any) => d.code)).toEqual(['340000-047-exchange']);
    expect(detail.dependants.map((d: any) => d.code)).toContain(feixiFrontend);
    expect((await t.request('/api/v1/systems/NOPE', { token: viewer })).status).toBe(404);
  });

  it.runIf(enabled)(
    'creates a system, refusing bad input with 400 naming the field and a duplicate with 409',
    async () => {
      const body = {
        code: 'FX-GRID',
        name: '肥西县网格化管理系统',
        department: feixiOffice,
        mlpsLevel: 2,
        network: 'extranet',
        hosting: 'own-machine-room',
        dependsOn: [feixiFrontend],
      };
      const created = await send('POST', '/api/v1/systems', body, feixi);
      expect(created.status).toBe(201);
      expect(await json(created)).toMatchObject({
        code: 'FX-GRID',
        version: 1,
        dataVolumeGiB: 0,
        targetDrLevel: null,
        dependsOn: [{ code: feixiFrontend, name: '肥西县数据资源管理局数据共享交换前置系统' }],
      });
      expect((await send('POST', '/api/v1/systems', body, feixi)).status).toBe(409);

      const bad = await send(
        'POST',
        '/api/v1/systems',
        { ...body, code: 'FX-2', mlpsLevel: 9, network: 'wifi' },
        feixi,
      );
      expect(bad.status).toBe(400);
      expect((await json(bad)).error.fields.map((f: any) => f.field).sort()).toEqual(['mlpsLevel', 'network']);
      const noSite = await send('POST', '/api/v1/systems', { ...body, code: 'FX-3', hosting: 'cloud' }, feixi);
      expect((await json(noSite)).error.fields).toEqual([
        expect.objectContaining({ field: 'hostingSite', rule: 'site_required_on_cloud' }),
      ]);
      const unknown = await send('POST', '/api/v1/systems', { ...body, code: 'FX-4', dependsOn: ['GHOST'] }, feixi);
      expect(unknown.status).toBe(400);
      expect((await json(unknown)).error.fields[0]).toMatchObject({ field: 'dependsOn', rule: 'unknown_system' });
      expect((await get('/api/v1/systems/FX-4')).error.code).toBe('system_not_found');
    },
  );

  it.runIf(enabled)('confines a department user to their department, refusing and auditing the rest', async () => {
    const mine = await get('/api/v1/systems?limit=500', feixi);
    expect(mine.items.every((s: any) => s.department === feixiOffice)).toBe(true);
    expect((await t.request(`/api/v1/systems/${hefeiExchange}`, { token: feixi })).status).toBe(404);

    const patch = await send('PATCH', `/api/v1/systems/${hefeiExchange}`, { name: 'x', version: 1 }, feixi);
    expect(patch.status).toBe(404);
    const elsewhere = await send(
      'POST',
      '/api/v1/systems',
      {
        code: 'FX-OTHER',
        name: 'n',
        department: '340100-044',
        network: 'extranet',
        hosting: 'cloud',
        hostingSite: 'prod-hefei',
      },
      feixi,
    );
    expect(elsewhere.status).toBe(403);
    expect((await json(elsewhere)).error.code).toBe('outside_department');
    expect((await get(`/api/v1/systems/${hefeiExchange}`)).name).toBe('合肥市数据共享交换平台');

    const updates = await t.deps.audit.list({ action: 'system.update', limit: 20 });
    expect(updates.find((r) => r.target === `system:${hefeiExchange}`)).toMatchObject({
      outcome: 'failure',
      role: 'department-user',
    });
    const creates = await t.deps.audit.list({ action: 'system.create', outcome: 'denied', limit: 20 });
    expect(creates.map((r) => r.target)).toContain('system:FX-OTHER');
  });

  it.runIf(enabled)('refuses a dependency cycle with 409 naming it, and changes nothing', async () => {
    const res = await send('PUT', `/api/v1/systems/${hefeiExchange}/dependencies`, { dependsOn: [feixiFrontend] });
    expect(res.status).toBe(409);
    const body = await json(res);
    expect(body.error.code).toBe('dependency_cycle');
    expect(body.error.details.cycle).toEqual([hefeiExchange, feixiFrontend, hefeiExchange]);
    expect(body.error.message).toContain(`${hefeiExchange} → ${feixiFrontend} → ${hefeiExchange}`);
    expect((await get(`/api/v1/systems/${hefeiExchange}`)).dependsOn.map((d: any) => d.code)).toEqual([
      '340000-047-exchange',
    ]);
    const selfLoop = await send('PUT', '/api/v1/systems/FX-GRID/dependencies', { dependsOn: ['FX-GRID'] }, feixi);
    expect(selfLoop.status).toBe(409);
    expect((await json(selfLoop)).error.message).toContain('FX-GRID → FX-GRID');
    const audit = await t.deps.audit.list({ action: 'system.dependencies', limit: 5 });
    expect(audit.map((r) => `${r.target} ${r.outcome}`)).toContain(`system:${hefeiExchange} failure`);
  });

  it.runIf(enabled)('changes a system at the version read, refusing a stale version with 409', async () => {
    const changed = await send(
      'PATCH',
      '/api/v1/systems/FX-GRID',
      { mlpsLevel: 3, rpoSeconds: 900, version: 1 },
      feixi,
    );
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({
      mlpsLevel: 3,
      rpoSeconds: 900,
      version: 2,
      name: '肥西县网格化管理系统',
    });
    const stale = await send('PATCH', '/api/v1/systems/FX-GRID', { mlpsLevel: 4, version: 1 }, feixi);
    expect(stale.status).toBe(409);
    expect((await json(stale)).error.code).toBe('stale_system');
    const missingVersion = await send('PATCH', '/api/v1/systems/FX-GRID', { mlpsLevel: 4 }, feixi);
    expect((await json(missingVersion)).error.fields[0]).toMatchObject({ field: 'version', rule: 'required' });
  });

  it.runIf(enabled)('deletes only a system nothing depends on', async () => {
    const held = await send('DELETE', `/api/v1/systems/${feixiFrontend}`, undefined, ops);
    expect(held.status).toBe(409);
    expect((await json(held)).error.code).toBe('system_has_dependants');
    expect((await send('DELETE', '/api/v1/systems/FX-GRID', undefined, feixi)).status).toBe(204);
    expect((await t.request('/api/v1/systems/FX-GRID', { token: viewer })).status).toBe(404);
  });

  it.runIf(enabled)('imports nothing when any line is bad, and reports every bad line', async () => {
    const before = await total();
    const csv = [
      'code,name,department,mlpsLevel,network,hosting,hostingSite,dependsOn',
      'IMP-1,导入系统一,340000-001,3,extranet,own-machine-room,,',
      'IMP-2,导入系统二,340000-001,9,extranet,own-machine-room,,',
      'IMP-3,导入系统三,340000-001,2,extranet,cloud,,GHOST',
    ].join('\n');
    const res = await t.request('/api/v1/systems/import', {
      method: 'POST',
      token: ops,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(400);
    const fields = (await json(res)).error.fields;
    expect(fields.map((f: any) => `${f.field} ${f.rule}`)).toEqual([
      'line 3: mlpsLevel too_big',
      'line 4: hostingSite site_required_on_cloud',
    ]);
    expect(await total()).toBe(before);
    const audit = await t.deps.audit.list({ action: 'system.import', limit: 1 });
    expect(audit[0]).toMatchObject({ outcome: 'failure' });
  });

  it.runIf(enabled)('imports a good file (CSV or JSON), exports it back and as a Backstage catalogue', async () => {
    const csv =
      '系统编码,系统名称,所属部门,等保级别,所在网络,部署方式,部署站点,依赖系统\nIMP-9,导入九号系统,340000-001,三级,电子政务外网,政务云,prod-hefei,340000-047-exchange\n';
    const res = await t.request('/api/v1/systems/import', {
      method: 'POST',
      token: ops,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ created: 1, updated: 0 });
    const again = await send('POST', '/api/v1/systems/import', {
      csv: csv.replace('导入九号系统', '导入九号系统（改）'),
    });
    expect(await json(again)).toEqual({ created: 0, updated: 1 });
    expect((await get('/api/v1/systems/IMP-9')).name).toBe('导入九号系统（改）');

    const exported = await t.request('/api/v1/systems/export?q=IMP-9', { token: viewer });
    expect(exported.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await exported.text()).toContain(
      'IMP-9,导入九号系统（改）,340000-001,,3,extranet,cloud,prod-hefei,0,,,,340000-047-exchange',
    );

    const yaml = await t.request('/api/v1/systems/catalog-info.yaml?department=340100-044', { token: viewer });
    expect(yaml.status).toBe(200);
    const docs = parseAllDocuments(await yaml.text()).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}:${d.metadata.name}`)).toEqual([
      'Group:340100-044',
      'Domain:340100-044',
      `System:${hefeiExchange}`,
    ]);
    expect(docs[2].spec).toEqual({ owner: 'group:340100-044', domain: '340100-044' });
  });

  it.runIf(enabled)('refuses reads and writes to roles without the permission', async () => {
    const netops = await t.tokenFor('network-operator');
    expect((await t.request('/api/v1/systems', { token: netops })).status).toBe(403);
    expect((await send('POST', '/api/v1/systems', {}, viewer)).status).toBe(403);
  });
});
