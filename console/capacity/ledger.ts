import { type Kysely, sql } from 'kysely';
import {
  type Allocation,
  type Amount,
  type ResourceKey,
  resourceOrder,
  type SiteResource,
  sumAllocations,
} from '../../core/capacity.ts';
import { NotFound } from '../../core/errors.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/**
 * The ledger's reads and the lock that keeps it honest. Every change that could raise what a
 * site has promised (an approval) or lower what it can promise (a capacity edit) first locks the
 * site's ledger row; on SQLite the write transaction (BEGIN IMMEDIATE) already serialises them.
 */
export type Ledger = ReturnType<typeof createLedger>;

export type SiteLedger = { site: string; version: number; updatedAt: string; updatedBy: string };

export function createLedger(uow: UnitOfWork) {
  const locksRows = dialectOf(uow.root as Kysely<unknown>) === 'postgres';

  /** Locks the site's ledger row for the rest of the transaction; 404 for an unknown site. */
  async function lockSite(site: string): Promise<SiteLedger> {
    let q = uow.db().selectFrom('site_ledgers').selectAll().where('site_code', '=', site);
    if (locksRows) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw new NotFound('site_not_found', { code: site });
    return { site: row.site_code, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  async function siteResources(site: string): Promise<SiteResource[]> {
    const rows = await uow.db().selectFrom('site_resources').selectAll().where('site_code', '=', site).execute();
    return rows
      .map((r) => ({
        resource: r.resource as ResourceKey,
        capacity: r.capacity,
        ratioPercent: { requests: r.requests_ratio_pct, limits: r.limits_ratio_pct },
      }))
      .sort((a, b) => resourceOrder(a.resource, b.resource));
  }

  /** What every department (but `except`) holds on the site, summed per resource. */
  async function allocatedOn(site: string, except?: string): Promise<Allocation> {
    let q = uow
      .db()
      .selectFrom('quota_amounts')
      .select(['resource', sql<number>`sum(requests)`.as('requests'), sql<number>`sum(limits)`.as('limits')])
      .where('site_code', '=', site)
      .groupBy('resource');
    if (except) q = q.where('department_code', '<>', except);
    const rows = await q.execute();
    return Object.fromEntries(
      rows.map((r) => [r.resource, { requests: Number(r.requests), limits: Number(r.limits) }]),
    ) as Allocation;
  }

  /** What one department holds on one site (empty when it holds nothing). */
  async function allocationOf(department: string, site: string): Promise<Allocation> {
    const rows = await uow
      .db()
      .selectFrom('quota_amounts')
      .select(['resource', 'requests', 'limits'])
      .where('department_code', '=', department)
      .where('site_code', '=', site)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.resource, { requests: r.requests, limits: r.limits }])) as Allocation;
  }

  /** Replaces a department's allocation on a site (the quota row must exist). Zero amounts are dropped. */
  async function replaceAllocation(department: string, site: string, allocation: Allocation): Promise<void> {
    await uow
      .db()
      .deleteFrom('quota_amounts')
      .where('department_code', '=', department)
      .where('site_code', '=', site)
      .execute();
    const rows = (Object.entries(allocation) as [ResourceKey, Amount][])
      .filter(([, a]) => a.requests > 0 || a.limits > 0)
      .map(([resource, a]) => ({
        department_code: department,
        site_code: site,
        resource,
        requests: a.requests,
        limits: a.limits,
      }));
    if (rows.length) await uow.db().insertInto('quota_amounts').values(rows).execute();
  }

  /** Moves the desired-state revision on; called in the transaction of every change to it. */
  async function bumpRevision(at: Date): Promise<number> {
    const row = await uow
      .db()
      .updateTable('provisioning_state')
      .set((eb) => ({ revision: eb('revision', '+', 1), changed_at: at.toISOString() }))
      .where('id', '=', 1)
      .returning('revision')
      .executeTakeFirstOrThrow();
    return Number(row.revision);
  }

  async function revision(): Promise<{ revision: number; changedAt: string }> {
    const row = await uow
      .db()
      .selectFrom('provisioning_state')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { revision: Number(row.revision), changedAt: row.changed_at };
  }

  return {
    lockSite,
    siteResources,
    allocatedOn,
    allocationOf,
    replaceAllocation,
    bumpRevision,
    revision,
    sumAllocations,
  };
}
