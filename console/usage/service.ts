import { sql } from 'kysely';
import type { Allocation, Amount, ResourceKey } from '../../core/capacity.ts';
import { defaultObjectCounts } from '../../core/contracts/desired-state.ts';
import { type DriftItem, type ExpectedNamespace, siteDrift } from '../../core/drift.ts';
import { quotaHardAmounts } from '../../core/quota-hard.ts';
import type { Config } from '../config.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { allocationOfQuotaKeys, ledgerQuotaKeys, storageQuotaKeyPattern } from './ledger-keys.ts';
import type { FailureStatus } from './read-failure.ts';
import type { Allocatable } from './readings.ts';

/**
 * What the sites' clusters last reported, for pages and the API: each site's read status, the
 * use departments make of their quotas, and where the clusters drift from the ledger. Everything
 * is read from the store (the poller wrote it), so a site that is down never makes these slow or
 * throw; its figures are the last known ones, flagged stale once they are three polls old.
 */
export type UsageService = ReturnType<typeof createUsageService>;

/** `not_read`: no reading recorded yet (read-back off, the site not configured, or not polled yet). */
export type SiteReadStatus = 'ok' | FailureStatus | 'not_read';

export type SiteUsageStatus = {
  site: string;
  /** Whether KUBE_SITE_CONTEXTS names the site (and read-back is on). */
  configured: boolean;
  status: SiteReadStatus;
  /** The failure's explanation, or notes on a successful read; safe to show. */
  message: string;
  /** The last read, successful or not. */
  observedAt: string | null;
  lastSuccessAt: string | null;
  /** The last successful reading is older than three poll intervals. */
  stale: boolean;
  allocatable: Allocatable | null;
};

/** A site's read status with its departments' use summed per ledger resource (null: never read). */
export type SiteReading = Omit<SiteUsageStatus, 'site' | 'configured' | 'allocatable'> & { used: Allocation | null };

/** When the figures shown were read (null: never), and whether that is over three polls ago. */
export type Freshness = { lastSuccessAt: string | null; stale: boolean };

export type QuotaKeyUsage = { key: string; hard: number | null; used: number | null };

export function createUsageService({
  uow,
  now,
  config,
}: {
  uow: UnitOfWork;
  now: () => Date;
  config: Pick<Config, 'usagePollMs' | 'kubeconfigPath' | 'kubeSiteContexts'>;
}) {
  const staleAfterMs = 3 * config.usagePollMs;
  const isStale = (lastSuccessAt: string | null) =>
    lastSuccessAt !== null && now().getTime() - Date.parse(lastSuccessAt) > staleAfterMs;
  const configured = (site: string) => config.kubeconfigPath !== undefined && site in config.kubeSiteContexts;

  async function freshnessOf(site: string): Promise<Freshness> {
    const row = await uow
      .db()
      .selectFrom('site_observations')
      .select('last_success_at')
      .where('site_code', '=', site)
      .executeTakeFirst();
    const at = row?.last_success_at ?? null;
    return { lastSuccessAt: at, stale: isStale(at) };
  }

  /** A ledger-key filter: only keys that count toward ledger resources. */
  const ledgerKeysOnly = sql<boolean>`(namespace_usage.quota_key in (${sql.join(ledgerQuotaKeys)}) or namespace_usage.quota_key like ${storageQuotaKeyPattern})`;

  /** Sum of `used` per ledger resource over the site's department namespaces. */
  async function usedOn(site: string): Promise<Allocation> {
    const rows = await uow
      .db()
      .selectFrom('namespace_usage')
      .innerJoin('quotas', (j) =>
        j
          .onRef('quotas.site_code', '=', 'namespace_usage.site_code')
          .onRef('quotas.namespace', '=', 'namespace_usage.namespace'),
      )
      .select(['namespace_usage.quota_key', sql<string | number | null>`sum(namespace_usage.used)`.as('used')])
      .where('namespace_usage.site_code', '=', site)
      .where(ledgerKeysOnly)
      .groupBy('namespace_usage.quota_key')
      .execute();
    return allocationOfQuotaKeys(
      rows.map((r) => ({ key: r.quota_key, amount: r.used === null ? null : Number(r.used) })),
    );
  }

  return {
    /** Every site the console knows, with what its last read said. */
    async siteStatuses(): Promise<SiteUsageStatus[]> {
      const rows = await uow
        .db()
        .selectFrom('sites')
        .leftJoin('site_observations', 'site_observations.site_code', 'sites.code')
        .select([
          'sites.code',
          'site_observations.status',
          'site_observations.message',
          'site_observations.observed_at',
          'site_observations.last_success_at',
          'site_observations.allocatable',
        ])
        .orderBy('sites.code')
        .execute();
      return rows.map((r) => ({
        site: r.code,
        configured: configured(r.code),
        status: (r.status ?? 'not_read') as SiteReadStatus,
        message: r.message ?? '',
        observedAt: r.observed_at,
        lastSuccessAt: r.last_success_at,
        stale: isStale(r.last_success_at),
        allocatable: parseAllocatable(r.allocatable),
      }));
    },

    /**
     * One site's read status with its departments' use summed per ledger resource: what a
     * capacity page shows under the site's heading (the shape of pages/site-reading.ts).
     * `used` is null until the site has been read successfully once.
     */
    async siteReading(site: string): Promise<SiteReading> {
      const row = await uow
        .db()
        .selectFrom('site_observations')
        .select(['status', 'message', 'observed_at', 'last_success_at'])
        .where('site_code', '=', site)
        .executeTakeFirst();
      const lastSuccessAt = row?.last_success_at ?? null;
      return {
        status: (row?.status ?? 'not_read') as SiteReadStatus,
        message: row?.message ?? '',
        observedAt: row?.observed_at ?? null,
        lastSuccessAt,
        stale: isStale(lastSuccessAt),
        used: lastSuccessAt === null ? null : await usedOn(site),
      };
    },

    /** What the site's department namespaces use, summed per ledger resource and side. */
    async siteUsedTotals(site: string): Promise<Freshness & { used: Allocation }> {
      return { ...(await freshnessOf(site)), used: await usedOn(site) };
    },

    /**
     * One department's namespace on one site: every quota key the cluster reported, and the
     * ledger resources they add up to. Null when the department holds no quota there.
     */
    async departmentUsage(
      department: string,
      site: string,
    ): Promise<(Freshness & { namespace: string; keys: QuotaKeyUsage[]; used: Allocation; hard: Allocation }) | null> {
      const quota = await uow
        .db()
        .selectFrom('quotas')
        .select('namespace')
        .where('department_code', '=', department)
        .where('site_code', '=', site)
        .executeTakeFirst();
      if (!quota) return null;
      const rows = await uow
        .db()
        .selectFrom('namespace_usage')
        .select(['quota_key', 'hard', 'used'])
        .where('site_code', '=', site)
        .where('namespace', '=', quota.namespace)
        .orderBy('quota_key')
        .execute();
      const keys = rows.map((r) => ({ key: r.quota_key, hard: r.hard, used: r.used }));
      return {
        ...(await freshnessOf(site)),
        namespace: quota.namespace,
        keys,
        used: allocationOfQuotaKeys(keys.map((k) => ({ key: k.key, amount: k.used }))),
        hard: allocationOfQuotaKeys(keys.map((k) => ({ key: k.key, amount: k.hard }))),
      };
    },

    /**
     * Where the site's cluster differs from the ledger. `checked` is false while the site has
     * never been read: without a reading, every namespace would look missing.
     */
    async drift(site: string): Promise<Freshness & { checked: boolean; items: DriftItem[] }> {
      const freshness = await freshnessOf(site);
      if (freshness.lastSuccessAt === null) return { ...freshness, checked: false, items: [] };
      const db = uow.db();
      const quotas = await db
        .selectFrom('quotas')
        .select(['department_code', 'namespace'])
        .where('site_code', '=', site)
        .execute();
      const amounts = await db
        .selectFrom('quota_amounts')
        .select(['department_code', 'resource', 'requests', 'limits'])
        .where('site_code', '=', site)
        .execute();
      const observed = await db
        .selectFrom('namespace_usage')
        .select(['namespace', 'quota_key', 'hard', 'used'])
        .where('site_code', '=', site)
        .execute();
      const allocations = new Map<string, Allocation>();
      for (const a of amounts) {
        const allocation = allocations.get(a.department_code) ?? {};
        allocation[a.resource as ResourceKey] = { requests: a.requests, limits: a.limits } satisfies Amount;
        allocations.set(a.department_code, allocation);
      }
      const expected: ExpectedNamespace[] = quotas.map((q) => ({
        namespace: q.namespace,
        department: q.department_code,
        hard: quotaHardAmounts(allocations.get(q.department_code) ?? {}, defaultObjectCounts),
      }));
      const items = siteDrift(
        expected,
        observed.map((o) => ({ namespace: o.namespace, key: o.quota_key, hard: o.hard, used: o.used })),
      );
      return { ...freshness, checked: true, items };
    },
  };
}

function parseAllocatable(text: string | null): Allocatable | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Allocatable;
  } catch {
    return null;
  }
}
