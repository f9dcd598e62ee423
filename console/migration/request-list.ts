import type { Kysely } from 'kysely';
import type { MigrationState } from '../../core/migration-lifecycle.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import { inRegion } from '../org/department-filters.ts';
import { contains } from '../store/contains.ts';
import type { Database } from '../store/schema.ts';
import { type BoardColumnKey, boardColumns, statesOfColumn } from './board-columns.ts';
import { type MigrationRequestView, requestsWithNames, requestView } from './views.ts';

export const requestSorts = ['updated', 'created', 'system', 'department', 'state', 'wave', 'cutover'] as const;
export type RequestSort = (typeof requestSorts)[number];

/** What the list and the board may be narrowed by; department users are held to their own. */
export type RequestFilter = {
  state?: MigrationState;
  column?: BoardColumnKey;
  department?: string;
  region?: string;
  wave?: string;
  mlps?: number;
  /** Text in the system's code or name. */
  q?: string;
};

export type RequestQuery = RequestFilter & {
  sort?: RequestSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

const sortColumn = {
  updated: 'migration_requests.updated_at',
  created: 'migration_requests.created_at',
  system: 'migration_requests.system_code',
  department: 'migration_requests.department_code',
  state: 'migration_requests.state',
  wave: 'migration_requests.wave_code',
  cutover: 'migration_requests.cutover_start',
} as const;

type Named = ReturnType<typeof requestsWithNames>;

function filtered(db: Kysely<Database>, p: Principal, f: RequestFilter): Named {
  let q = requestsWithNames(db);
  const department = isScoped(p) ? (p.department ?? '') : f.department;
  if (department) q = q.where('migration_requests.department_code', '=', department);
  if (f.state) q = q.where('migration_requests.state', '=', f.state);
  if (f.column) q = q.where('migration_requests.state', 'in', [...statesOfColumn(f.column)]);
  if (f.region) {
    const region = f.region;
    q = q.where((eb) => inRegion(eb as never, region));
  }
  if (f.wave) q = q.where('migration_requests.wave_code', '=', f.wave);
  if (f.mlps) q = q.where('systems.mlps_level', '=', f.mlps);
  if (f.q) {
    const text = f.q;
    q = q.where((eb) => eb.or([contains('systems.code', text), contains('systems.name', text)]));
  }
  return q;
}

async function countOf(q: Named): Promise<number> {
  const row = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of requests, filtered and sorted (most recently moved first by default). */
export async function listRequests(
  db: Kysely<Database>,
  p: Principal,
  query: RequestQuery,
): Promise<{ items: MigrationRequestView[]; total: number }> {
  const q = filtered(db, p, query);
  const rows = await q
    .orderBy(sortColumn[query.sort ?? 'updated'], query.order ?? (query.sort ? 'asc' : 'desc'))
    .orderBy('migration_requests.id')
    .limit(query.limit ?? 50)
    .offset(query.offset ?? 0)
    .execute();
  return { items: rows.map(requestView), total: await countOf(q) };
}

export type BoardColumn = {
  key: BoardColumnKey;
  states: { state: MigrationState; count: number }[];
  count: number;
  /** The most recently moved requests of the column, at most `perColumn`. */
  cards: MigrationRequestView[];
};

/**
 * The board: for every column its count per state and its most recently moved cards. One grouped
 * count and one capped query per column, so 1,473 systems cost what 20 would.
 */
export async function migrationBoard(
  db: Kysely<Database>,
  p: Principal,
  f: RequestFilter,
  perColumn: number,
): Promise<BoardColumn[]> {
  const counts = await filtered(db, p, f)
    .clearSelect()
    .select((eb) => ['migration_requests.state', eb.fn.countAll().as('n')])
    .groupBy('migration_requests.state')
    .execute();
  const countOfState = new Map(counts.map((r) => [r.state, Number(r.n)]));
  return Promise.all(
    boardColumns.map(async (col) => {
      const states = col.states.map((state) => ({ state, count: countOfState.get(state) ?? 0 }));
      const count = states.reduce((n, s) => n + s.count, 0);
      const cards = count
        ? (
            await filtered(db, p, f)
              .where('migration_requests.state', 'in', [...col.states])
              .orderBy('migration_requests.updated_at', 'desc')
              .orderBy('migration_requests.id')
              .limit(perColumn)
              .execute()
          ).map(requestView)
        : [];
      return { key: col.key, states, count, cards };
    }),
  );
}
