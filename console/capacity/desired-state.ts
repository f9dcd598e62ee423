import type { Allocation, ResourceKey, SiteResource } from '../../core/capacity.ts';
import { type DesiredNamespace, type DesiredState, defaultObjectCounts } from '../../core/contracts/desired-state.ts';
import { departmentGroupOf } from '../../core/namespace.ts';
import type { DepartmentLevel, SiteRole } from '../../core/org.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { Ledger } from './ledger.ts';

/**
 * Builds the desired-state document the Pulumi program applies. The document of one revision is
 * always the same (its `generatedAt` is the revision's time), so every replica serves the same
 * bytes and ETag for it, and each replica builds it once per revision.
 */
export type DesiredStateBuilder = ReturnType<typeof createDesiredStateBuilder>;

export function createDesiredStateBuilder({ uow, ledger }: { uow: UnitOfWork; ledger: Ledger }) {
  let cached: DesiredState | null = null;

  async function read(revision: number, changedAt: string): Promise<DesiredState> {
    const db = uow.db();
    const [sites, resources, quotas, amounts] = await Promise.all([
      db
        .selectFrom('sites')
        .innerJoin('site_ledgers', 'site_ledgers.site_code', 'sites.code')
        .select(['sites.code', 'sites.name', 'sites.role'])
        .orderBy('sites.code')
        .execute(),
      db.selectFrom('site_resources').selectAll().execute(),
      db
        .selectFrom('quotas')
        .innerJoin('departments', 'departments.code', 'quotas.department_code')
        .select([
          'quotas.site_code',
          'quotas.namespace',
          'quotas.request_id',
          'quotas.approved_at',
          'departments.code',
          'departments.name',
          'departments.level',
          'departments.region_code',
        ])
        .orderBy('quotas.site_code')
        .orderBy('quotas.namespace')
        .execute(),
      db.selectFrom('quota_amounts').selectAll().execute(),
    ]);
    const allocations = new Map<string, Allocation>();
    for (const a of amounts) {
      const key = `${a.site_code}\u0000${a.department_code}`;
      const allocation = allocations.get(key) ?? {};
      allocation[a.resource as ResourceKey] = { requests: a.requests, limits: a.limits };
      allocations.set(key, allocation);
    }
    const namespaces = new Map<string, DesiredNamespace[]>();
    for (const q of quotas) {
      const list = namespaces.get(q.site_code) ?? [];
      list.push({
        name: q.namespace,
        department: { code: q.code, name: q.name, level: q.level as DepartmentLevel, region: q.region_code },
        group: departmentGroupOf(q.code),
        allocation: allocations.get(`${q.site_code}\u0000${q.code}`) ?? {},
        objects: defaultObjectCounts,
        approvedAt: q.approved_at,
        requestId: q.request_id,
      });
      namespaces.set(q.site_code, list);
    }
    return {
      revision,
      generatedAt: changedAt,
      sites: sites.map((s) => ({
        code: s.code,
        name: s.name,
        role: s.role as SiteRole,
        capacity: resources
          .filter((r) => r.site_code === s.code)
          .map((r): SiteResource => ({
            resource: r.resource as ResourceKey,
            capacity: r.capacity,
            ratioPercent: { requests: r.requests_ratio_pct, limits: r.limits_ratio_pct },
          })),
        namespaces: namespaces.get(s.code) ?? [],
      })),
    };
  }

  /**
   * The current document. Every change bumps the revision in its own transaction, so a document
   * read between two equal revision readings is exactly that revision's.
   */
  async function current(): Promise<DesiredState> {
    for (let attempt = 0; ; attempt++) {
      const before = await ledger.revision();
      if (cached?.revision === before.revision) return cached;
      const doc = await read(before.revision, before.changedAt);
      const after = await ledger.revision();
      if (after.revision === before.revision || attempt >= 4) {
        cached = doc;
        return doc;
      }
    }
  }

  return { current, revision: ledger.revision };
}
