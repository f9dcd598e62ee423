import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { ProtectionState, ReplicationMode } from '../../core/dr.ts';
import type { SiteRole } from '../../core/org.ts';
import { isScoped, type Principal, requireDepartmentInScope } from '../../core/principal.ts';
import { regionAndBelow } from '../org/department-filters.ts';
import { contains } from '../store/contains.ts';
import type { Database } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type DrFlag, drFlags, hasFlag, monthsBefore } from './flags.ts';
import { protectionFlags } from './protection-view.ts';

export const matrixSorts = ['code', 'name', 'department', 'mlps', 'target', 'lag'] as const;
export type MatrixSort = (typeof matrixSorts)[number];

export type MatrixQuery = {
  /** Text in the system's code or name. */
  q?: string;
  department?: string;
  /** The owner department's region and everything below it. */
  region?: string;
  mlps?: number;
  /** A protection in this state at some DR site; 'unprotected' also matches systems with none. */
  state?: ProtectionState;
  flag?: DrFlag;
  sort?: MatrixSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

export type MatrixCell = {
  mode: ReplicationMode;
  state: ProtectionState;
  lagSeconds: number | null;
  lastRecoveryPoint: string | null;
  achievedLevel: number | null;
  targetNotMet: boolean;
  lagAboveRpo: boolean;
};

export type MatrixRow = {
  code: string;
  name: string;
  department: string;
  departmentName: string;
  mlpsLevel: number | null;
  targetLevel: number | null;
  rpoSeconds: number | null;
  rtoSeconds: number | null;
  /** One entry per DR site of the matrix, null where the system has no protection there. */
  cells: Record<string, MatrixCell | null>;
  flags: DrFlag[];
};

export type DrMatrix = {
  sites: { code: string; name: string; role: SiteRole }[];
  items: MatrixRow[];
  total: number;
  /** Systems (of those the viewer may see, all filters aside) carrying each flag. */
  flagged: Record<DrFlag, number>;
  drillOverdueMonths: number;
};

type Systems = ExpressionBuilder<Database, 'systems' | 'departments'>;

const sortExpression = {
  code: sql.ref('systems.code'),
  name: sql.ref('systems.name'),
  department: sql.ref('systems.department_code'),
  // Unknown figures sort below every real one on both backends.
  mlps: sql<number>`coalesce(systems.mlps_level, 0)`,
  target: sql<number>`coalesce(systems.target_dr_level, 0)`,
  lag: sql<number>`coalesce((select max(p.lag_seconds) from dr_protections p where p.system_code = systems.code), -1)`,
} as const;

/**
 * Systems × DR sites: each system's protection per DR site and its flags, filtered, sorted and
 * paged in the store. A constant number of queries per page whatever its size (sites, count,
 * page with flags, the page's protections, flag counts), so 1,473 systems stay fast.
 */
export function drMatrix({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  function scope(p: Principal) {
    return (eb: Systems) => (isScoped(p) ? eb('systems.department_code', '=', p.department ?? '') : eb.and([]));
  }

  function matching(p: Principal, f: MatrixQuery, since: string) {
    return (eb: Systems) => {
      const parts: Expression<SqlBool>[] = [scope(p)(eb)];
      if (f.q) parts.push(eb.or([contains('systems.code', f.q), contains('systems.name', f.q)]));
      if (f.department) parts.push(eb('systems.department_code', '=', f.department));
      if (f.region) parts.push(eb('departments.region_code', 'in', regionAndBelow(f.region)));
      if (f.mlps) parts.push(eb('systems.mlps_level', '=', f.mlps));
      if (f.state) {
        const inState = eb.exists(
          eb
            .selectFrom('dr_protections as ps')
            .select('ps.system_code')
            .whereRef('ps.system_code', '=', 'systems.code')
            .where('ps.state', '=', f.state),
        );
        const none = eb.not(
          eb.exists(
            eb
              .selectFrom('dr_protections as pn')
              .select('pn.system_code')
              .whereRef('pn.system_code', '=', 'systems.code'),
          ),
        );
        parts.push(f.state === 'unprotected' ? eb.or([inState, none]) : inState);
      }
      if (f.flag) parts.push(hasFlag(eb as never, f.flag, since));
      return eb.and(parts);
    };
  }

  return async function matrix(p: Principal, f: MatrixQuery, drillOverdueMonths: number): Promise<DrMatrix> {
    if (f.department) requireDepartmentInScope(p, f.department);
    const since = monthsBefore(now(), drillOverdueMonths);
    const db = uow.db();
    const where = matching(p, f, since);
    const from = () => db.selectFrom('systems').innerJoin('departments', 'departments.code', 'systems.department_code');
    const order = f.order ?? 'asc';
    const [sites, count, page, flagged] = await Promise.all([
      db
        .selectFrom('sites')
        .select(['code', 'name', 'role'])
        .where('role', '!=', 'production')
        .orderBy('role', 'desc')
        .orderBy('code')
        .execute(),
      from()
        .where(where)
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow(),
      from()
        .where(where)
        .select((eb) => [
          'systems.code',
          'systems.name',
          'systems.department_code',
          'departments.name as department_name',
          'systems.mlps_level',
          'systems.target_dr_level',
          'systems.rpo_seconds',
          'systems.rto_seconds',
          ...drFlags.map((flag) =>
            eb
              .case()
              .when(hasFlag(eb as never, flag, since))
              .then(1)
              .else(0)
              .end()
              .as(flag),
          ),
        ])
        .orderBy(sortExpression[f.sort ?? 'code'], order)
        .orderBy('systems.code', order)
        .limit(f.limit ?? 50)
        .offset(f.offset ?? 0)
        .execute(),
      from()
        .where(scope(p))
        .select((eb) =>
          drFlags.map((flag) =>
            eb.fn
              .sum<number>(
                eb
                  .case()
                  .when(hasFlag(eb as never, flag, since))
                  .then(1)
                  .else(0)
                  .end(),
              )
              .as(flag),
          ),
        )
        .executeTakeFirstOrThrow(),
    ]);
    const codes = page.map((r) => r.code);
    const protections = codes.length
      ? await db
          .selectFrom('dr_protections')
          .select(['system_code', 'site_code', 'mode', 'state', 'lag_seconds', 'last_recovery_point', 'achieved_level'])
          .where('system_code', 'in', codes)
          .execute()
      : [];
    const items = page.map((r): MatrixRow => {
      const targets = { targetLevel: r.target_dr_level, rpoSeconds: r.rpo_seconds };
      const cells: Record<string, MatrixCell | null> = {};
      for (const s of sites) {
        const pr = protections.find((x) => x.system_code === r.code && x.site_code === s.code);
        cells[s.code] = pr
          ? {
              mode: pr.mode,
              state: pr.state,
              lagSeconds: pr.lag_seconds,
              lastRecoveryPoint: pr.last_recovery_point,
              achievedLevel: pr.achieved_level,
              ...protectionFlags(pr, targets),
            }
          : null;
      }
      const row = r as unknown as Record<DrFlag, number | string>;
      return {
        code: r.code,
        name: r.name,
        department: r.department_code,
        departmentName: r.department_name,
        mlpsLevel: r.mlps_level,
        targetLevel: r.target_dr_level,
        rpoSeconds: r.rpo_seconds,
        rtoSeconds: r.rto_seconds,
        cells,
        flags: drFlags.filter((flag) => Number(row[flag]) === 1),
      };
    });
    const counts = flagged as unknown as Record<DrFlag, number | string | null>;
    return {
      sites,
      items,
      total: Number(count.total),
      flagged: Object.fromEntries(drFlags.map((flag) => [flag, Number(counts[flag] ?? 0)])) as Record<DrFlag, number>,
      drillOverdueMonths,
    };
  };
}
