import { demoProvince } from '../../core/demo-province.ts';
import type { Principal } from '../../core/principal.ts';
import type { SystemsTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { seedDemoSystems } from './demo-systems.ts';

/** Shared by tests of the systems, migration and DR areas: principals and system rows. */

export const cloudOperator: Principal = {
  kind: 'user',
  id: 'ops',
  name: 'ops',
  roles: ['cloud-operator'],
  department: null,
};

/** A department user of `department`. */
export function departmentUser(department: string, name = `user-${department}`): Principal {
  return { kind: 'user', id: name, name, roles: ['department-user'], department };
}

/** A system row as the systems table holds it: level 3 on the extranet in its own machine room. */
export function systemRow(
  code: string,
  department: string,
  at: string,
  overrides: Partial<SystemsTable> = {},
): SystemsTable {
  return {
    code,
    name: `测试系统 ${code}`,
    department_code: department,
    description: '',
    mlps_level: 3,
    network: 'extranet',
    hosting: 'own-machine-room',
    hosting_site_code: null,
    data_volume_gib: 100,
    rpo_seconds: 300,
    rto_seconds: 3600,
    target_dr_level: 4,
    version: 1,
    demo: 0,
    created_at: at,
    updated_at: at,
    ...overrides,
  };
}

/** Stores a system directly (tests about migrations or DR need one without going through the API). */
export async function insertSystem(
  uow: UnitOfWork,
  code: string,
  department: string,
  at: string,
  overrides: Partial<SystemsTable> & { dependsOn?: string[] } = {},
): Promise<void> {
  const { dependsOn = [], ...row } = overrides;
  await uow
    .db()
    .insertInto('systems')
    .values(systemRow(code, department, at, row))
    .execute();
  if (dependsOn.length) {
    await uow
      .db()
      .insertInto('system_dependencies')
      .values(dependsOn.map((d) => ({ system_code: code, depends_on_code: d })))
      .execute();
  }
}

/**
 * The demo's 1,473 systems in a test console's store, unless first start already loaded them
 * (once bootstrap seeds them, this changes nothing).
 */
export async function ensureDemoSystems(uow: UnitOfWork, at: Date): Promise<void> {
  await uow.inTransaction(async () => {
    const any = await uow.db().selectFrom('systems').select('code').where('demo', '=', 1).limit(1).executeTakeFirst();
    if (!any) await seedDemoSystems(uow, demoProvince(), at);
  });
}
