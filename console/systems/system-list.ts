import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { HostingKind, SystemNetwork } from '../../core/dr.ts';
import { type MigrationState, migrationStates } from '../../core/migration-lifecycle.ts';
import type { DepartmentLevel } from '../../core/org.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import { drillOverdueSystems, monthsBefore, targetNotMetSystems } from '../dr/flags.ts';
import { regionAndBelow } from '../org/department-filters.ts';
import { contains } from '../store/contains.ts';
import type { Database, MigrationRequestsTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { stateOrder, type SystemView, systemRows, toSystemView } from './system-views.ts';

export const systemSorts = ['code', 'name', 'department', 'mlps', 'state', 'updated'] as const;
export type SystemSort = (typeof systemSorts)[number];

/** The DR flags a system can carry (console/dr/flags.ts decides them). */
export const systemFlags = ['target-not-met', 'drill-overdue'] as const;
export type SystemFlag = (typeof systemFlags)[number];

export type SystemQuery = {
  department?: string;
  /** A region and everything below it: a city means its counties too. */
  region?: string;
  level?: DepartmentLevel;
  /** An MLPS level, or 'none' for systems not yet graded. */
  mlps?: number | 'none';
  network?: SystemNetwork;
  hosting?: HostingKind;
  /** Text in the code or name. */
  q?: string;
  /** The current request's state, or 'none' for systems that never had one. */
  state?: MigrationState | 'none';
  /** The wave of the current request. */
  wave?: string;
  flag?: SystemFlag;
  sort?: SystemSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

export type SystemListItem = SystemView & { flags: SystemFlag[] };
export type SystemPage = { items: SystemListItem[]; total: number };

// The current request joins as `mr` (system-views.ts).
type Systems = ExpressionBuilder<
  Database & { mr: MigrationRequestsTable },
  'systems' | 'departments' | 'regions' | 'mr'
>;

/** Missing figures sort below every real one on both backends (they order NULLs differently). */
const sortExpression: Record<SystemSort, RawBuilder<unknown>> = {
  code: sql.ref('systems.code'),
  name: sql.ref('systems.name'),
  department: sql.ref('departments.name'),
  mlps: sql<number>`coalesce(systems.mlps_level, 0)`,
  state: stateOrder(migrationStates),
  updated: sql.ref('systems.updated_at'),
};

/** The settings key of the drill-overdue period (months); the DR area writes it. */
export const drillOverdueMonthsKey = 'dr.drillOverdueMonths';
const defaultDrillOverdueMonths = 12;

/** The filtered, sorted, paged list of systems the principal may see, with their DR flags. */
export function systemList({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  /** When a passed drill must have happened for a system not to be overdue. */
  async function drillSince(): Promise<string> {
    const row = await uow
      .db()
      .selectFrom('settings')
      .select('value')
      .where('key', '=', drillOverdueMonthsKey)
      .executeTakeFirst();
    const months = Number(row?.value);
    // A hand-edited value out of range reads as the default, as the DR settings page reads it.
    const valid = Number.isInteger(months) && months >= 1 && months <= 60;
    return monthsBefore(now(), valid ? months : defaultDrillOverdueMonths);
  }

  function matching(p: Principal, f: SystemQuery, since: string) {
    return (eb: Systems) => {
      const parts: Expression<SqlBool>[] = [];
      if (isScoped(p)) parts.push(eb('systems.department_code', '=', p.department ?? ''));
      if (f.department) parts.push(eb('systems.department_code', '=', f.department));
      if (f.region) parts.push(eb('departments.region_code', 'in', regionAndBelow(f.region)));
      if (f.level) parts.push(eb('departments.level', '=', f.level));
      if (f.mlps === 'none') parts.push(eb('systems.mlps_level', 'is', null));
      else if (f.mlps !== undefined) parts.push(eb('systems.mlps_level', '=', f.mlps));
      if (f.network) parts.push(eb('systems.network', '=', f.network));
      if (f.hosting) parts.push(eb('systems.hosting', '=', f.hosting));
      if (f.q) parts.push(eb.or([contains('systems.code', f.q), contains('systems.name', f.q)]));
      if (f.state === 'none') parts.push(eb('mr.id', 'is', null));
      else if (f.state) parts.push(eb('mr.state', '=', f.state));
      if (f.wave) parts.push(eb('mr.wave_code', '=', f.wave));
      if (f.flag === 'target-not-met') parts.push(eb('systems.code', 'in', targetNotMetSystems()));
      if (f.flag === 'drill-overdue') parts.push(eb('systems.code', 'in', drillOverdueSystems(since)));
      return eb.and(parts);
    };
  }

  /** The flags of the systems on one page, by code. */
  async function flagsOf(codes: string[], since: string): Promise<Map<string, SystemFlag[]>> {
    const flags = new Map<string, SystemFlag[]>(codes.map((c) => [c, []]));
    if (codes.length === 0) return flags;
    const among = (flagged: ReturnType<typeof targetNotMetSystems>) =>
      uow.db().selectFrom('systems').select('code').where('code', 'in', codes).where('code', 'in', flagged).execute();
    const notMet = await among(targetNotMetSystems());
    const overdue = await among(drillOverdueSystems(since));
    for (const r of notMet) flags.get(r.code)?.push('target-not-met');
    for (const r of overdue) flags.get(r.code)?.push('drill-overdue');
    return flags;
  }

  /** Every system matching, without paging, in code order (exports). */
  async function all(p: Principal, f: SystemQuery): Promise<SystemView[]> {
    const since = await drillSince();
    const rows = await systemRows(uow)
      .where(matching(p, f, since))
      .orderBy('systems.code')
      .execute();
    return rows.map(toSystemView);
  }

  async function list(p: Principal, f: SystemQuery): Promise<SystemPage> {
    const since = await drillSince();
    const where = matching(p, f, since);
    const { total } = await systemRows(uow)
      .where(where)
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const order = f.order ?? 'asc';
    const rows = await systemRows(uow)
      .where(where)
      .orderBy(sortExpression[f.sort ?? 'code'], order)
      .orderBy('systems.code', order)
      .limit(f.limit ?? 50)
      .offset(f.offset ?? 0)
      .execute();
    const views = rows.map(toSystemView);
    const flags = await flagsOf(
      views.map((v) => v.code),
      since,
    );
    return { items: views.map((v) => ({ ...v, flags: flags.get(v.code) ?? [] })), total: Number(total) };
  }

  return { list, all, drillSince, flagsOf };
}
