import { sql } from 'kysely';
import type { Allocation, Amount, ResourceKey } from '../../core/capacity.ts';
import { NotFound } from '../../core/errors.ts';
import type { DepartmentLevel } from '../../core/org.ts';
import { isScoped, type Principal, requireDepartmentInScope } from '../../core/principal.ts';
import { inRegion, matchesDepartment } from '../org/department-filters.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

export const quotaSorts = ['department', 'name', 'site', 'cpu', 'memory', 'storage', 'approved'] as const;
export type QuotaSort = (typeof quotaSorts)[number];

export type QuotaQuery = {
  site?: string;
  level?: DepartmentLevel;
  region?: string;
  q?: string;
  sort?: QuotaSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

/** One department's quota on one site, as the list shows it (exact base units). */
export type QuotaRow = {
  department: string;
  departmentName: string;
  level: DepartmentLevel;
  region: string;
  site: string;
  namespace: string;
  approvedAt: string;
  requestId: string;
  cpu: Amount;
  memory: Amount;
  storage: number;
  gpu: number;
};

export type DepartmentQuota = QuotaRow & { allocation: Allocation };

const sortColumn = {
  department: 'quotas.department_code',
  name: 'departments.name',
  site: 'quotas.site_code',
  cpu: 'cpu_requests',
  memory: 'memory_requests',
  storage: 'storage',
  approved: 'quotas.approved_at',
} as const;

export type QuotasService = ReturnType<typeof createQuotasService>;

/** Allocations in force: every department's quota per site, sortable by what it holds. */
export function createQuotasService({ uow }: { uow: UnitOfWork }) {
  function base() {
    // One join per figure the list shows and sorts by; each hits quota_amounts' primary key.
    const storage = uow
      .db()
      .selectFrom('quota_amounts')
      .select(['department_code', 'site_code', sql<number>`sum(requests)`.as('total')])
      .where('resource', 'like', 'storage:%')
      .groupBy(['department_code', 'site_code'])
      .as('st');
    return uow
      .db()
      .selectFrom('quotas')
      .innerJoin('departments', 'departments.code', 'quotas.department_code')
      .leftJoin('quota_amounts as cpu', (j) =>
        j
          .onRef('cpu.department_code', '=', 'quotas.department_code')
          .onRef('cpu.site_code', '=', 'quotas.site_code')
          .on('cpu.resource', '=', 'cpu'),
      )
      .leftJoin('quota_amounts as mem', (j) =>
        j
          .onRef('mem.department_code', '=', 'quotas.department_code')
          .onRef('mem.site_code', '=', 'quotas.site_code')
          .on('mem.resource', '=', 'memory'),
      )
      .leftJoin('quota_amounts as gpu', (j) =>
        j
          .onRef('gpu.department_code', '=', 'quotas.department_code')
          .onRef('gpu.site_code', '=', 'quotas.site_code')
          .on('gpu.resource', '=', 'gpu'),
      )
      .leftJoin(storage, (join) =>
        join.onRef('st.department_code', '=', 'quotas.department_code').onRef('st.site_code', '=', 'quotas.site_code'),
      )
      .select([
        'quotas.department_code',
        'departments.name',
        'departments.level',
        'departments.region_code',
        'quotas.site_code',
        'quotas.namespace',
        'quotas.approved_at',
        'quotas.request_id',
        sql<number>`coalesce(cpu.requests, 0)`.as('cpu_requests'),
        sql<number>`coalesce(cpu.limits, 0)`.as('cpu_limits'),
        sql<number>`coalesce(mem.requests, 0)`.as('memory_requests'),
        sql<number>`coalesce(mem.limits, 0)`.as('memory_limits'),
        sql<number>`coalesce(gpu.requests, 0)`.as('gpu'),
        sql<number>`coalesce(st.total, 0)`.as('storage'),
      ]);
  }

  type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];
  const rowView = (r: Row): QuotaRow => ({
    department: r.department_code,
    departmentName: r.name,
    level: r.level,
    region: r.region_code,
    site: r.site_code,
    namespace: r.namespace,
    approvedAt: r.approved_at,
    requestId: r.request_id,
    cpu: { requests: Number(r.cpu_requests), limits: Number(r.cpu_limits) },
    memory: { requests: Number(r.memory_requests), limits: Number(r.memory_limits) },
    storage: Number(r.storage),
    gpu: Number(r.gpu),
  });

  async function list(p: Principal, query: QuotaQuery): Promise<{ items: QuotaRow[]; total: number }> {
    let q = base();
    if (isScoped(p)) q = q.where('quotas.department_code', '=', p.department ?? '');
    if (query.site) q = q.where('quotas.site_code', '=', query.site);
    if (query.level) q = q.where('departments.level', '=', query.level);
    if (query.region) {
      const region = query.region;
      q = q.where((eb) => inRegion(eb as never, region));
    }
    if (query.q) {
      const text = query.q;
      q = q.where((eb) => matchesDepartment(eb as never, text));
    }
    const total = await q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await q
      .orderBy(sql.ref(sortColumn[query.sort ?? 'department']), query.order ?? 'asc')
      .orderBy('quotas.department_code')
      .orderBy('quotas.site_code')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute();
    return { items: rows.map(rowView), total: Number(total.n) };
  }

  /** A department's quotas on every site, with the full allocation of each. */
  async function ofDepartment(p: Principal, department: string): Promise<DepartmentQuota[]> {
    requireDepartmentInScope(p, department);
    const exists = await uow
      .db()
      .selectFrom('departments')
      .select('code')
      .where('code', '=', department)
      .executeTakeFirst();
    if (!exists) throw new NotFound('department_not_found', { code: department });
    const [rows, amounts] = await Promise.all([
      base().where('quotas.department_code', '=', department).orderBy('quotas.site_code').execute(),
      uow.db().selectFrom('quota_amounts').selectAll().where('department_code', '=', department).execute(),
    ]);
    return rows.map((r) => ({
      ...rowView(r),
      allocation: Object.fromEntries(
        amounts
          .filter((a) => a.site_code === r.site_code)
          .map((a) => [a.resource as ResourceKey, { requests: a.requests, limits: a.limits }]),
      ) as Allocation,
    }));
  }

  return { list, ofDepartment };
}
