import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
};

const ownDepartment = '340100-001';
const otherDepartment = '340200-001';

describe('authorisation matrix over every /api/v1 route', () => {
  let t: TestConsole;
  const tokens = new Map<Role, string>();
  let routes: [string, string][] = [];
  let spareToken = '';

  beforeAll(async () => {
    t = await testConsole();
    for (const role of roles)
      tokens.set(role, await t.tokenFor(role, role === 'department-user' ? ownDepartment : null));
    spareToken = (await t.deps.accounts.createToken({ name: 'spare', role: 'viewer' }, 'test')).view.id;
    await t.deps.accounts.createUser({ username: 'target', roles: ['viewer'], password: 'a long enough password' });
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

  let n = 0;
  function call(method: string, template: string, token?: string) {
    n++;
    const path = template.replace('{code}', ownDepartment).replace('{username}', 'target').replace('{id}', spareToken);
    const bodies: Record<string, unknown> = {
      'post /api/v1/departments': { code: `M-${n}`, name: `矩阵测试局${n}`, level: 'provincial', region: '340000' },
      'patch /api/v1/departments/{code}': { name: `合肥市发展和改革委员会${n}` },
      'post /api/v1/users': { username: `matrix${n}`, roles: ['viewer'], password: 'a long enough password' },
      'patch /api/v1/users/{username}': { displayName: `Target ${n}` },
      'post /api/v1/users/{username}/password': { password: 'another long password' },
      'post /api/v1/tokens': { name: `matrix ${n}`, role: 'viewer' },
      'post /api/v1/session': { username: 'nobody', password: 'x' },
      'post /api/v1/session/totp': { code: '000000' },
    };
    const key = `${method} ${template}`;
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
