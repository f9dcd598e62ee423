import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/principal.ts';
import { type Permission, type Role, roles } from '../../core/roles.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';

/**
 * Walks every /api/v1 route in the OpenAPI document for every role (and for no one), and checks
 * the answer against the permission each route needs. A new route must be added here, so no
 * route ships without a decision about who may call it.
 */
const required: Record<string, Permission | 'anyone'> = {
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
};

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
};

const ownDepartment = '340100-001';
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

  let n = 0;
  async function call(method: string, template: string, token?: string) {
    n++;
    const key = `${method} ${template}`;
    const role = [...tokens].find(([, v]) => v === token)?.[0];
    const id = requestFor.get(`${key} ${role}`) ?? requestFor.get(key) ?? spareToken;
    const path = template
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
    };
    const isImport = key === 'post /api/v1/departments/import';
    const body = isImport ? 'code,name,level,region\nM-import,矩阵导入局,provincial,340000\n' : bodies[key];
    return t.request(path, {
      method: method.toUpperCase(),
      token,
      headers: isImport ? { 'content-type': 'text/csv' } : undefined,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  it.each(Object.entries(required).filter(([, p]) => p !== 'anyone'))('%s needs %s', async (key, permission) => {
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
