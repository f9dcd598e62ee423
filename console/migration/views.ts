import { sql } from 'kysely';
import type { Allocation } from '../../core/capacity.ts';
import { finalStates, type MigrationState, type MigrationStrategy } from '../../core/migration-lifecycle.ts';
import type { Database, MigrationEventsTable, MigrationRequestsTable } from '../store/schema.ts';
import type { Kysely } from 'kysely';

/** A migration request as the API and pages show it, with its system and department named. */
export type MigrationRequestView = {
  id: string;
  system: string;
  systemName: string;
  mlpsLevel: number | null;
  department: string;
  departmentName: string;
  state: MigrationState;
  heldFrom: MigrationState | null;
  justification: string;
  targetSite: string | null;
  strategy: MigrationStrategy | null;
  readiness: string | null;
  sizing: Allocation | null;
  quotaRequestId: string | null;
  wave: string | null;
  cutoverStart: string | null;
  cutoverEnd: string | null;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

/** One move in a request's history: who, when, from, to, and why. */
export type MigrationEvent = {
  seq: number;
  at: string;
  actor: string;
  from: MigrationState | null;
  to: MigrationState;
  comment: string;
};

type RequestRow = MigrationRequestsTable & { system_name: string; mlps_level: number | null; department_name: string };

export function requestView(row: RequestRow): MigrationRequestView {
  return {
    id: row.id,
    system: row.system_code,
    systemName: row.system_name,
    mlpsLevel: row.mlps_level === null ? null : Number(row.mlps_level),
    department: row.department_code,
    departmentName: row.department_name,
    state: row.state,
    heldFrom: row.held_from,
    justification: row.justification,
    targetSite: row.target_site_code,
    strategy: row.strategy,
    readiness: row.readiness,
    sizing: row.sizing === null ? null : (JSON.parse(row.sizing) as Allocation),
    quotaRequestId: row.quota_request_id,
    wave: row.wave_code,
    cutoverStart: row.cutover_start,
    cutoverEnd: row.cutover_end,
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function eventView(row: MigrationEventsTable): MigrationEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    from: row.from_state,
    to: row.to_state,
    comment: row.comment,
  };
}

/** Requests joined with their system and department, ready for `requestView`. */
export function requestsWithNames(db: Kysely<Database>) {
  return db
    .selectFrom('migration_requests')
    .innerJoin('systems', 'systems.code', 'migration_requests.system_code')
    .innerJoin('departments', 'departments.code', 'migration_requests.department_code')
    .selectAll('migration_requests')
    .select(['systems.name as system_name', 'systems.mlps_level', 'departments.name as department_name']);
}

/**
 * Each system's current request: the one still being worked (at most one per system), else the
 * newest that ended. The board, the metrics, the wave plan and the gates read a system's state
 * from it. A window function keeps it one pass on both SQLite and PostgreSQL.
 */
export function currentRequests(db: Kysely<Database>) {
  const finals = sql.join(finalStates.map((s) => sql.lit(s)));
  return db
    .selectFrom(
      db
        .selectFrom('migration_requests')
        .select([
          'id',
          'system_code',
          sql<number>`row_number() over (partition by system_code order by case when state in (${finals}) then 1 else 0 end, created_at desc, id desc)`.as(
            'rank',
          ),
        ])
        .as('ranked'),
    )
    .select(['ranked.id', 'ranked.system_code'])
    .where('ranked.rank', '=', 1);
}
