import { type ExpressionBuilder, sql } from 'kysely';
import type { HostingKind, SystemNetwork } from '../../core/dr.ts';
import { NotFound } from '../../core/errors.ts';
import type { MigrationState } from '../../core/migration-lifecycle.ts';
import type { DepartmentLevel } from '../../core/org.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { SystemInput } from '../../core/system-input.ts';
import type { Database } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/** The request a system is on now: its newest migration request, if it ever had one. */
export type CurrentMigration = { id: string; state: MigrationState; wave: string | null };

/** A system as the API and pages show it. */
export type SystemView = Omit<SystemInput, 'dependsOn'> & {
  departmentName: string;
  departmentLevel: DepartmentLevel;
  region: string;
  regionName: string;
  version: number;
  demo: boolean;
  createdAt: string;
  updatedAt: string;
  migration: CurrentMigration | null;
};

/** Another system named beside this one (a dependency or a dependant). */
export type SystemRef = { code: string; name: string; department: string; departmentName: string };

export type SystemDetail = SystemView & { dependsOn: SystemRef[]; dependants: SystemRef[] };

/**
 * The id of a system's newest migration request (by creation; ties by id), as a correlated
 * subquery both backends run from the migration_requests_system index.
 */
export function currentRequestId(eb: ExpressionBuilder<Database, 'systems'>) {
  return eb
    .selectFrom('migration_requests as newest')
    .select('newest.id')
    .whereRef('newest.system_code', '=', 'systems.code')
    .orderBy('newest.created_at', 'desc')
    .orderBy('newest.id', 'desc')
    .limit(1);
}

/** Systems with their department, region and current migration request, ready to filter and sort. */
export function systemRows(uow: UnitOfWork) {
  return uow
    .db()
    .selectFrom('systems')
    .innerJoin('departments', 'departments.code', 'systems.department_code')
    .innerJoin('regions', 'regions.code', 'departments.region_code')
    .leftJoin('migration_requests as mr', (j) => j.on((eb) => eb('mr.id', '=', currentRequestId(eb))))
    .selectAll('systems')
    .select([
      'departments.name as department_name',
      'departments.level as department_level',
      'departments.region_code',
      'regions.name as region_name',
      'mr.id as request_id',
      'mr.state as request_state',
      'mr.wave_code as request_wave',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof systemRows>['execute']>>[number];

export function toSystemView(r: Row): SystemView {
  return {
    code: r.code,
    name: r.name,
    department: r.department_code,
    departmentName: r.department_name,
    departmentLevel: r.department_level,
    region: r.region_code,
    regionName: r.region_name,
    description: r.description,
    mlpsLevel: nullableNumber(r.mlps_level),
    network: r.network as SystemNetwork,
    hosting: r.hosting as HostingKind,
    hostingSite: r.hosting_site_code,
    dataVolumeGiB: Number(r.data_volume_gib),
    rpoSeconds: nullableNumber(r.rpo_seconds),
    rtoSeconds: nullableNumber(r.rto_seconds),
    targetDrLevel: nullableNumber(r.target_dr_level),
    version: Number(r.version),
    demo: Number(r.demo) === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    migration: r.request_id
      ? { id: r.request_id, state: r.request_state as MigrationState, wave: r.request_wave ?? null }
      : null,
  };
}

function nullableNumber(n: number | null): number | null {
  return n === null ? null : Number(n);
}

/** Whether the principal may see a department's systems: everyone but other departments' users. */
export function systemVisibleTo(p: Principal, department: string): boolean {
  return !isScoped(p) || p.department === department;
}

/** One system the principal may see; others' systems are not found, as if they did not exist. */
export async function visibleSystem(uow: UnitOfWork, p: Principal, code: string): Promise<SystemView> {
  const row = await systemRows(uow).where('systems.code', '=', code).executeTakeFirst();
  if (!row || !systemVisibleTo(p, row.department_code)) throw new NotFound('system_not_found', { code });
  return toSystemView(row);
}

/** Systems next to `code` in the dependency graph, each with its department. */
export async function neighbours(uow: UnitOfWork, code: string, way: 'dependsOn' | 'dependants'): Promise<SystemRef[]> {
  const [from, to] =
    way === 'dependsOn'
      ? (['system_dependencies.system_code', 'system_dependencies.depends_on_code'] as const)
      : (['system_dependencies.depends_on_code', 'system_dependencies.system_code'] as const);
  const rows = await uow
    .db()
    .selectFrom('system_dependencies')
    .innerJoin('systems', 'systems.code', to)
    .innerJoin('departments', 'departments.code', 'systems.department_code')
    .select(['systems.code', 'systems.name', 'systems.department_code', 'departments.name as department_name'])
    .where(from, '=', code)
    .orderBy('systems.code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    department: r.department_code,
    departmentName: r.department_name,
  }));
}

/** Migration states in lifecycle order, for sorting by state (no request first). */
export function stateOrder(states: readonly string[]) {
  // Literals, not parameters: PostgreSQL would type parameters in THEN as text and sort "10" < "2".
  return sql<number>`case ${sql.ref('mr.state')} ${sql.join(
    states.map((s, i) => sql`when ${sql.lit(s)} then ${sql.lit(i + 1)}`),
    sql` `,
  )} else 0 end`;
}
