import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/principal.ts';
import { type Permission, type Role, roles } from '../../core/roles.ts';
import { generateRoot, observation, seedAgent } from '../certificates/fixtures.ts';
import { drAuthorisationFixtures } from '../dr/testing.ts';
import { cloudOperator, insertSystem } from '../systems/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';

/**
 * Walks every /api/v1 route in the OpenAPI document for every role (and for no one), and checks
 * the answer against the permission each route needs. A new route must be added here, so no
 * route ships without a decision about who may call it.
 */
const required: Record<string, Permission | 'anyone' | 'agent'> = {
  'post /api/v1/session': 'anyone',
  'post /api/v1/session/totp': 'anyone',
  'delete /api/v1/session': 'anyone',
  // Any signed-in person; tokens have no password (checked in the account tests).
  'post /api/v1/session/password': 'anyone',
  'get /api/v1/departments': 'org:read',
  'get /api/v1/departments/export': 'org:read',
  'get /api/v1/departments/{code}': 'org:read',
  'post /api/v1/departments': 'org:write',
  'patch /api/v1/departments/{code}': 'org:write',
  'post /api/v1/departments/import': 'org:write',
  'get /api/v1/regions': 'org:read',
  'get /api/v1/sites': 'org:read',
  'get /api/v1/users': 'accounts:read',
  'post /api/v1/users': 'accounts:write',
  'patch /api/v1/users/{username}': 'accounts:write',
  'post /api/v1/users/{username}/password': 'accounts:write',
  'post /api/v1/users/{username}/unlock': 'accounts:write',
  'post /api/v1/users/{username}/totp-reset': 'accounts:write',
  'get /api/v1/tokens': 'accounts:read',
  'post /api/v1/tokens': 'accounts:write',
  'delete /api/v1/tokens/{id}': 'accounts:write',
  'get /api/v1/audit': 'audit:read',
  'get /api/v1/audit/verify': 'audit:read',
  'get /api/v1/audit/export': 'audit:read',
  'get /api/v1/capacity': 'capacity:read',
  'get /api/v1/capacity/{site}': 'capacity:read',
  'put /api/v1/capacity/{site}': 'capacity:write',
  'get /api/v1/quota-requests': 'quota:read',
  'post /api/v1/quota-requests': 'quota:request',
  'get /api/v1/quota-requests/{id}': 'quota:read',
  'post /api/v1/quota-requests/{id}/approve': 'quota:decide',
  'post /api/v1/quota-requests/{id}/return': 'quota:decide',
  'post /api/v1/quota-requests/{id}/reject': 'quota:decide',
  'post /api/v1/quota-requests/{id}/resubmit': 'quota:request',
  'post /api/v1/quota-requests/{id}/withdraw': 'quota:request',
  'get /api/v1/quotas': 'quota:read',
  'get /api/v1/quotas/{department}': 'quota:read',
  'get /api/v1/provisioning/desired-state': 'capacity:read',
  'get /api/v1/links': 'extranet:read',
  'post /api/v1/links': 'extranet:write',
  'get /api/v1/links/{code}': 'extranet:read',
  'patch /api/v1/links/{code}': 'extranet:write',
  'get /api/v1/links/{code}/rounds': 'extranet:read',
  'get /api/v1/links/{code}/availability': 'extranet:read',
  'get /api/v1/extranet/overview': 'extranet:read',
  'get /api/v1/link-classes': 'extranet:read',
  'put /api/v1/link-classes/{class}': 'extranet:write',
  'get /api/v1/agents': 'extranet:read',
  'post /api/v1/agents': 'extranet:write',
  'get /api/v1/agents/{id}': 'extranet:read',
  'post /api/v1/agents/{id}/revoke': 'extranet:write',
  'post /api/v1/agents/{id}/enrolment-token': 'extranet:write',
  'put /api/v1/agents/{id}/cert-sources': 'extranet:write',
  // Called by site agents with their own credential (enrol: with a one-time token): no person's
  // session or token is accepted, whatever its role.
  'post /api/v1/agents/enrol': 'agent',
  'get /api/v1/agents/self/config': 'agent',
  'post /api/v1/agents/reports': 'agent',
  'get /api/v1/certificates': 'extranet:read',
  'get /api/v1/certificates/export': 'extranet:read',
  'get /api/v1/certificates/summary': 'extranet:read',
  'post /api/v1/certificates/ra-import': 'extranet:write',
  'get /api/v1/certificates/{fingerprint}': 'extranet:read',
  'get /api/v1/trust-anchors': 'extranet:read',
  'post /api/v1/trust-anchors': 'extranet:write',
  'delete /api/v1/trust-anchors/{fingerprint}': 'extranet:write',
  'get /api/v1/migration-requests': 'systems:read',
  'post /api/v1/migration-requests': 'systems:write',
  'get /api/v1/migration-requests/{id}': 'systems:read',
  'patch /api/v1/migration-requests/{id}': 'systems:write',
  'post /api/v1/migration-requests/{id}/moves': 'systems:write',
  'get /api/v1/migration-board': 'systems:read',
  'get /api/v1/waves': 'systems:read',
  'post /api/v1/waves': 'migration:manage',
  'get /api/v1/waves/{code}': 'systems:read',
  'patch /api/v1/waves/{code}': 'migration:manage',
  'get /api/v1/systems': 'systems:read',
  'post /api/v1/systems': 'systems:write',
  'get /api/v1/systems/export': 'systems:read',
  'get /api/v1/systems/catalog-info.yaml': 'systems:read',
  'post /api/v1/systems/import': 'systems:write',
  'get /api/v1/systems/{code}': 'systems:read',
  'patch /api/v1/systems/{code}': 'systems:write',
  'delete /api/v1/systems/{code}': 'systems:write',
  'put /api/v1/systems/{code}/dependencies': 'systems:write',
  'get /api/v1/dr/matrix': 'systems:read',
  'get /api/v1/systems/{code}/protections': 'systems:read',
  'get /api/v1/systems/{code}/protections/{site}': 'systems:read',
  'put /api/v1/systems/{code}/protections/{site}': 'dr:write',
  'get /api/v1/systems/{code}/drills': 'systems:read',
  'get /api/v1/drills': 'systems:read',
  'post /api/v1/drills': 'dr:write',
  'patch /api/v1/drills/{id}': 'dr:write',
  'post /api/v1/follow-ups/{id}/close': 'dr:write',
  'get /api/v1/dr/levels': 'systems:read',
  'put /api/v1/dr/levels/{level}': 'dr:write',
  'get /api/v1/dr/settings': 'systems:read',
  'put /api/v1/dr/settings': 'dr:write',
  'get /api/v1/dr/sites': 'systems:read',
  'patch /api/v1/dr/sites/{code}': 'dr:write',
  'put /api/v1/dr/sites/{code}/milestones/{kind}': 'dr:write',
};

/** Routes decided by a permission (not open to anyone, not for agents). */
const byPermission = ([, p]: [string, string]) => p !== 'anyone' && p !== 'agent';

/** Which roles hold each permission, as the product promises it (not read from the code). */
const holders: Record<Permission, Role[]> = {
  'org:read': [
    'system-admin',
    'security-admin',
    'audit-admin',
    'cloud-operator',
    'network-operator',
    'department-user',
    'viewer',
  ],
  'org:write': ['system-admin'],
  'accounts:read': ['security-admin'],
  'accounts:write': ['security-admin'],
  'audit:read': ['audit-admin'],
  'capacity:read': ['system-admin', 'audit-admin', 'cloud-operator', 'viewer'],
  'capacity:write': ['cloud-operator'],
  'quota:read': ['system-admin', 'audit-admin', 'cloud-operator', 'department-user', 'viewer'],
  'quota:request': ['cloud-operator', 'department-user'],
  'quota:decide': ['cloud-operator'],
  'extranet:read': ['system-admin', 'audit-admin', 'network-operator', 'department-user', 'viewer'],
  'extranet:write': ['network-operator'],
  'systems:read': ['system-admin', 'audit-admin', 'cloud-operator', 'department-user', 'viewer'],
  'systems:write': ['cloud-operator', 'department-user'],
  'migration:manage': ['cloud-operator'],
  'dr:write': ['cloud-operator'],
};

const ownDepartment = '340100-001';
const netops: Principal = { kind: 'user', id: 'netops', name: 'netops', roles: ['network-operator'], department: null };
const otherDepartment = '340200-001';

describe('authorisation matrix over every /api/v1 route', () => {
  let t: TestConsole;
  const tokens = new Map<Role, string>();
  let routes: [string, string][] = [];
  let spareToken = '';
  /** Quota requests in the state each route needs, per caller where both allowed roles act. */
  const requestFor = new Map<string, string>();

  beforeAll(async () => {
    t = await testConsole();
    for (const role of roles)
      tokens.set(role, await t.tokenFor(role, role === 'department-user' ? ownDepartment : null));
    spareToken = (await t.deps.accounts.createToken({ name: 'spare', role: 'viewer' }, 'test')).view.id;
    await t.deps.accounts.createUser({ username: 'target', roles: ['viewer'], password: 'a long enough password' });
    await quotaFixtures();
    await agentFixtures();
    await certificateFixtures();
    await systemFixtures();
    await migrationFixtures();
    await drFixtures();
    const spec = await json(await t.request('/api/openapi.json'));
    routes = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => [method, `/api/v1${path.replace(/^\/api\/v1/, '')}`] as [string, string]),
    );
  });
  afterAll(() => t.dispose());

  it('has a decision for every route in the OpenAPI document, and no stale ones', () => {
    const documented = routes.map(([m, p]) => `${m} ${p}`).sort();
    expect(documented).toEqual(Object.keys(required).sort());
  });

  async function quotaFixtures() {
    const filer: Principal = { kind: 'user', id: 'filer', name: 'filer', roles: ['cloud-operator'], department: null };
    const file = async (department: string, site: string) =>
      (
        await t.deps.requests.submit(filer, {
          department,
          site,
          justification: 'matrix',
          allocation: { cpu: { requests: 1000, limits: 1000 } },
        })
      ).id;
    const returned = async (department: string, site: string) => {
      const id = await file(department, site);
      const other: Principal = { ...filer, id: 'decider', name: 'decider' };
      await t.deps.requests.sendBack(other, id, { version: 1, reason: 'matrix' });
      return id;
    };
    requestFor.set('post /api/v1/quota-requests/{id}/approve', await file('340300-001', 'prod-hefei'));
    requestFor.set('post /api/v1/quota-requests/{id}/return', await file('340400-001', 'prod-hefei'));
    requestFor.set('post /api/v1/quota-requests/{id}/reject', await file('340500-001', 'prod-hefei'));
    const ownReturned = await returned(ownDepartment, 'dr-hefei');
    requestFor.set('get /api/v1/quota-requests/{id}', ownReturned);
    requestFor.set('post /api/v1/quota-requests/{id}/resubmit department-user', ownReturned);
    requestFor.set(
      'post /api/v1/quota-requests/{id}/resubmit cloud-operator',
      await returned(otherDepartment, 'dr-hefei'),
    );
    requestFor.set('post /api/v1/quota-requests/{id}/withdraw department-user', await file(ownDepartment, 'dr-remote'));
    requestFor.set(
      'post /api/v1/quota-requests/{id}/withdraw cloud-operator',
      await file(otherDepartment, 'dr-remote'),
    );
  }

  /** An agent in the department user's own department, for every /agents/{id} route. */
  async function agentFixtures() {
    const { agent } = await t.deps.agents.create(netops, { name: 'matrix-agent', department: ownDepartment });
    for (const action of ['', '/revoke', '/enrolment-token', '/cert-sources'])
      for (const method of ['get', 'post', 'put']) requestFor.set(`${method} /api/v1/agents/{id}${action}`, agent.id);
  }

  /** A certificate of the department user's own department, a trust anchor to remove and one to add. */
  let certificateFingerprint = '';
  let anchorFingerprint = '';
  let anchorToAdd = '';
  async function certificateFixtures() {
    await seedAgent(t.store.db, 'matrix-cert-agent', ownDepartment);
    const seen = observation('matrix.hefei.gov.cn');
    await t.deps.uow.inTransaction(() => t.deps.certificates.recordObservations('matrix-cert-agent', [seen]));
    certificateFingerprint = seen.fingerprintSha256;
    anchorFingerprint = (await t.deps.certificates.trustAnchors.add({ pem: generateRoot('sm2', 'Matrix') }, netops))
      .fingerprint;
    anchorToAdd = generateRoot('ecdsa', 'Matrix added');
  }

  /**
   * Systems of the department user's own department (an `M-` prefix: no demo system has one): one
   * to read and edit, and one per allowed role to delete.
   */
  async function systemFixtures() {
    const at = t.clock.now().toISOString();
    for (const code of ['M-sys', 'M-del-cloud-operator', 'M-del-department-user'])
      await insertSystem(t.deps.uow, code, ownDepartment, at);
  }

  /**
   * Migration requests of the department user's own department: a draft to read and edit, a draft
   * per allowed role to submit (a request moves only once), a system per allowed role with no
   * request yet to draft one for, and a wave.
   */
  async function migrationFixtures() {
    const at = t.clock.now().toISOString();
    const draft = async (system: string) => {
      await insertSystem(t.deps.uow, system, ownDepartment, at);
      return (await t.deps.migration.create(cloudOperator, { system, justification: 'matrix' })).id;
    };
    const edited = await draft('M-mig-draft');
    requestFor.set('get /api/v1/migration-requests/{id}', edited);
    requestFor.set('patch /api/v1/migration-requests/{id}', edited);
    for (const role of ['cloud-operator', 'department-user']) {
      requestFor.set(`post /api/v1/migration-requests/{id}/moves ${role}`, await draft(`M-mig-submit-${role}`));
      await insertSystem(t.deps.uow, `M-mig-new-${role}`, ownDepartment, at);
    }
    await t.deps.migration.waves.create(cloudOperator, { code: 'M-wave', name: '矩阵波次', position: 9000 });
  }

  /** The system `M-sys` protected at dr-remote, with a planned drill to record and a follow-up to close. */
  async function drFixtures() {
    const at = t.clock.now().toISOString();
    const { drill, followUp } = await drAuthorisationFixtures(
      { dr: t.deps.dr, db: t.store.db, at },
      'M-sys',
      ownDepartment,
    );
    requestFor.set('patch /api/v1/drills/{id}', drill);
    requestFor.set('post /api/v1/follow-ups/{id}/close', followUp);
  }

  /** The current version of a stored row, for edits that must name the version they saw. */
  async function versionOf(table: 'systems' | 'migration_requests', key: 'code' | 'id', value: string) {
    const row = await t.store.db.selectFrom(table).select('version').where(key, '=', value).executeTakeFirstOrThrow();
    return row.version;
  }

  let n = 0;
  async function call(method: string, template: string, token?: string) {
    n++;
    const key = `${method} ${template}`;
    const role = [...tokens].find(([, v]) => v === token)?.[0];
    const id = requestFor.get(`${key} ${role}`) ?? requestFor.get(key) ?? spareToken;
    const path = template
      .replace('/certificates/{fingerprint}', `/certificates/${certificateFingerprint}`)
      .replace('/trust-anchors/{fingerprint}', `/trust-anchors/${anchorFingerprint}`)
      // The demo's access link of the department user's own department.
      .replace('/links/{code}', `/links/dept-${ownDepartment}`)
      .replace('{class}', 'department')
      .replace('/systems/{code}', `/systems/${method === 'delete' ? `M-del-${role}` : 'M-sys'}`)
      .replace('/waves/{code}', '/waves/M-wave')
      .replace('/dr/sites/{code}', '/dr/sites/dr-remote')
      .replace('{kind}', 'land-use-right')
      .replace('{level}', '1')
      .replace('{code}', ownDepartment)
      .replace('{department}', ownDepartment)
      .replace('{site}', 'dr-remote')
      .replace('{username}', 'target')
      .replace('{id}', id);
    const capacityVersion = (await t.deps.capacity.view('dr-remote')).version;
    const bodies: Record<string, unknown> = {
      'post /api/v1/departments': { code: `M-${n}`, name: `矩阵测试局${n}`, level: 'provincial', region: '340000' },
      'patch /api/v1/departments/{code}': { name: `合肥市发展和改革委员会${n}` },
      'post /api/v1/users': { username: `matrix${n}`, roles: ['viewer'], password: 'a long enough password' },
      'patch /api/v1/users/{username}': { displayName: `Target ${n}` },
      'post /api/v1/users/{username}/password': { password: 'another long password' },
      'post /api/v1/tokens': { name: `matrix ${n}`, role: 'viewer' },
      'post /api/v1/session': { username: 'nobody', password: 'x' },
      'post /api/v1/session/totp': { code: '000000' },
      'put /api/v1/capacity/{site}': {
        version: capacityVersion,
        resources: [
          { resource: 'cpu', capacity: `${1600 + n}` },
          { resource: 'memory', capacity: '3200Gi' },
          { resource: 'storage:hdd', capacity: '200Ti' },
        ],
      },
      'post /api/v1/quota-requests': {
        department: role === 'department-user' ? ownDepartment : '340600-001',
        site: 'prod-hefei',
        justification: 'matrix',
        allocation: { cpu: '1' },
      },
      'post /api/v1/quota-requests/{id}/approve': { version: 1 },
      'post /api/v1/quota-requests/{id}/return': { version: 1, reason: 'matrix' },
      'post /api/v1/quota-requests/{id}/reject': { version: 1, reason: 'matrix' },
      'post /api/v1/quota-requests/{id}/resubmit': { version: 2, justification: 'matrix', allocation: { cpu: '1' } },
      'post /api/v1/quota-requests/{id}/withdraw': { version: 1 },
      'post /api/v1/links': {
        code: `M-link-${n}`,
        name: `矩阵测试链路${n}`,
        class: 'department',
        parent: 'bb-340000',
        probe: { kind: 'icmp', host: '10.0.9.9' },
      },
      'patch /api/v1/links/{code}': { name: `矩阵测试链路${n}` },
      'put /api/v1/link-classes/{class}': {
        maxLossRatio: 0.05,
        maxRttMs: 200 + n,
        downAfterFailedRounds: 3,
        upAfterGoodRounds: 2,
        unknownAfterIntervals: 3,
      },
      'post /api/v1/agents': { name: `matrix-agent-${n}` },
      'put /api/v1/agents/{id}/cert-sources': [{ kind: 'tls', id: 'portal', host: 'portal.example.gov.cn' }],
      'post /api/v1/agents/enrol': { token: `gve_${'A'.repeat(43)}`, hostname: 'matrix', version: '1.0.0' },
      'post /api/v1/agents/reports': {
        batchId: '00000000-0000-4000-8000-000000000000',
        agentVersion: '1.0.0',
        configRevision: null,
        sentAt: '2026-11-21T08:00:00Z',
        spool: { records: 0, bytes: 0, droppedTotal: 0 },
        rounds: [],
        certificates: [],
      },
      'post /api/v1/systems': {
        code: `M-sys-${n}`,
        name: `矩阵系统${n}`,
        department: ownDepartment,
        network: 'extranet',
        hosting: 'own-machine-room',
      },
      'patch /api/v1/systems/{code}': { description: `m${n}`, version: await versionOf('systems', 'code', 'M-sys') },
      'put /api/v1/systems/{code}/dependencies': { dependsOn: [] },
      'post /api/v1/migration-requests': { system: `M-mig-new-${role}`, justification: 'matrix' },
      'patch /api/v1/migration-requests/{id}': {
        justification: `matrix ${n}`,
        version: await versionOf('migration_requests', 'id', requestFor.get('patch /api/v1/migration-requests/{id}')!),
      },
      'post /api/v1/migration-requests/{id}/moves': { to: 'submitted', version: 1 },
      'post /api/v1/waves': { code: `M-wave-${n}`, name: `矩阵波次${n}`, position: 9000 + n },
      'patch /api/v1/waves/{code}': { name: `矩阵波次${n}` },
      'put /api/v1/systems/{code}/protections/{site}': { mode: 'asynchronous', state: 'protected', lagSeconds: 30 },
      'post /api/v1/drills': { system: 'M-sys', site: 'dr-remote', plannedOn: '2026-12-01' },
      'patch /api/v1/drills/{id}': { executedAt: '2026-11-20T22:00:00Z', result: 'partial' },
      'post /api/v1/follow-ups/{id}/close': {},
      'put /api/v1/dr/levels/{level}': {
        nameEn: 'Basic support',
        nameZh: '基本支持',
        rtoText: '≥ 2 days',
        rpoText: '1–7 days',
        rtoMaxSeconds: 604800,
        rpoMaxSeconds: 604800,
        needsRealTime: false,
      },
      'put /api/v1/dr/settings': { drillOverdueMonths: 12 },
      'patch /api/v1/dr/sites/{code}': { status: 'under-construction' },
      'put /api/v1/dr/sites/{code}/milestones/{kind}': {
        status: 'approved',
        documentNo: 'X-1',
        decidedOn: '2023-06-12',
      },
    };
    const csvBodies: Record<string, string> = {
      'post /api/v1/departments/import': 'code,name,level,region\nM-import,矩阵导入局,provincial,340000\n',
      'post /api/v1/certificates/ra-import':
        'serial,holder kind,algorithm,not before,not after,status\nAB01,server,SM2,2025-03-01,2027-03-01,issued\n',
      'post /api/v1/systems/import': `code,name,department,network,hosting\nM-imp-${n},矩阵导入系统${n},${ownDepartment},extranet,own-machine-room\n`,
    };
    bodies['post /api/v1/trust-anchors'] = { pem: anchorToAdd };
    const isImport = key in csvBodies;
    const body = isImport ? csvBodies[key] : bodies[key];
    return t.request(path, {
      method: method.toUpperCase(),
      token,
      headers: isImport ? { 'content-type': 'text/csv' } : undefined,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  it.each(Object.entries(required).filter(byPermission))('%s needs %s', async (key, permission) => {
    const [method, template] = key.split(' ') as [string, string];
    const anonymous = await call(method, template);
    expect(anonymous.status, `${key} without credentials`).toBe(401);
    for (const role of roles) {
      const res = await call(method, template, tokens.get(role));
      const allowed = holders[permission as Permission].includes(role);
      if (allowed) {
        expect([401, 403], `${key} as ${role}: ${res.status}`).not.toContain(res.status);
        expect(res.status, `${key} as ${role}`).toBeLessThan(300);
      } else {
        expect(res.status, `${key} as ${role}`).toBe(403);
      }
    }
  });

  it.each(Object.entries(required).filter(([, p]) => p === 'agent'))('%s takes agent credentials only', async (key) => {
    const [method, template] = key.split(' ') as [string, string];
    expect((await call(method, template)).status, `${key} without credentials`).toBe(401);
    for (const role of roles) {
      const res = await call(method, template, tokens.get(role));
      expect(res.status, `${key} as ${role}`).toBe(401);
    }
  });

  it('refuses an agent credential on every route for people', async () => {
    const { enrolment } = await t.deps.agents.create(netops, { name: 'matrix-enrolled', department: ownDepartment });
    const { credential } = await t.deps.agents.enrol({ token: enrolment.token, hostname: 'matrix', version: '1.0.0' });
    expect(await t.deps.agents.authenticate(credential)).not.toBeNull();
    for (const [key, permission] of Object.entries(required)) {
      if (!byPermission([key, permission])) continue;
      const [method, template] = key.split(' ') as [string, string];
      const res = await call(method, template, credential);
      expect([401, 403], `${key} with an agent credential: ${res.status}`).toContain(res.status);
    }
  });

  it('confines a department user to their department, and audits the attempt', async () => {
    const token = tokens.get('department-user')!;
    const list = await json(await t.request('/api/v1/departments?limit=500', { token }));
    expect(list.items.map((d: { code: string }) => d.code)).toEqual([ownDepartment]);
    expect(list.total).toBe(1);

    const other = await t.request(`/api/v1/departments/${otherDepartment}`, { token });
    expect(other.status).toBe(403);
    expect((await json(other)).error.code).toBe('outside_department');

    const denied = await t.deps.audit.list({ outcome: 'denied', limit: 500 });
    expect(
      denied.some((r) => r.target === `/api/v1/departments/${otherDepartment}` && r.role === 'department-user'),
    ).toBe(true);
  });
});
