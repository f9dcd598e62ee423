import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { LinkClass, LinkState } from '../../core/link-state.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import { regionAndBelow } from '../org/department-filters.ts';
import { contains } from '../store/contains.ts';
import type { Database } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { affectedByOf } from './link-topology.ts';
import { type LinkView, linkRows, toLinkView } from './link-views.ts';

export const linkSorts = ['code', 'name', 'state', 'loss', 'rtt', 'since'] as const;
export type LinkSort = (typeof linkSorts)[number];

export type LinkQuery = {
  state?: LinkState;
  class?: LinkClass;
  /** A region and everything below it: a city means its counties too. */
  region?: string;
  department?: string;
  agent?: string;
  /** Text in the code or name. */
  q?: string;
  sort?: LinkSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

export type LinkPage = { items: LinkView[]; total: number };

type Links = ExpressionBuilder<Database, 'links' | 'link_status'>;

// Worst first when ascending: an operator sorting by state wants the outages on top.
const severity = sql<number>`case coalesce(link_status.state, 'unknown') when 'down' then 0 when 'degraded' then 1 when 'unknown' then 2 else 3 end`;

/** Missing figures sort below every real one on both backends (they order NULLs differently). */
const sortExpression: Record<LinkSort, RawBuilder<unknown>> = {
  code: sql.ref('links.code'),
  name: sql.ref('links.name'),
  state: severity,
  loss: sql<number>`coalesce(link_status.loss_ratio, -1)`,
  rtt: sql<number>`coalesce(link_status.rtt_avg_ms, -1)`,
  since: sql<string>`coalesce(link_status.since, links.created_at)`,
};

/** Links in a region and the regions below it (a city's counties, the province's everything). */
function inRegion(eb: Links, region: string): Expression<SqlBool> {
  return eb('links.region_code', 'in', regionAndBelow(region));
}

/** The filtered, sorted, paged list of links the principal may see. */
export function linkList({ uow }: { uow: UnitOfWork }) {
  function matching(p: Principal, f: LinkQuery) {
    return (eb: Links) => {
      const parts: Expression<SqlBool>[] = [];
      if (isScoped(p)) parts.push(eb('links.department_code', '=', p.department ?? ''));
      if (f.state) parts.push(eb(sql`coalesce(link_status.state, 'unknown')`, '=', f.state));
      if (f.class) parts.push(eb('links.link_class', '=', f.class));
      if (f.region) parts.push(inRegion(eb, f.region));
      if (f.department) parts.push(eb('links.department_code', '=', f.department));
      if (f.agent) parts.push(eb('links.agent_id', '=', f.agent));
      if (f.q) parts.push(eb.or([contains('links.code', f.q), contains('links.name', f.q)]));
      return eb.and(parts);
    };
  }

  return async function list(p: Principal, f: LinkQuery): Promise<LinkPage> {
    const where = matching(p, f);
    const { total } = await uow
      .db()
      .selectFrom('links')
      .leftJoin('link_status', 'link_status.link_code', 'links.code')
      .where(where)
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const order = f.order ?? 'asc';
    const rows = await linkRows(uow)
      .where(where)
      .orderBy(sortExpression[f.sort ?? 'code'], order)
      .orderBy('links.code', order)
      .limit(f.limit ?? 50)
      .offset(f.offset ?? 0)
      .execute();
    const affected = rows.length ? await affectedByOf(uow) : new Map<string, string>();
    return { items: rows.map((r) => toLinkView(r, affected.get(r.code) ?? null)), total: Number(total) };
  };
}
