import { type Kysely, sql } from 'kysely';
import type { Registry } from 'prom-client';
import { ceilingOf, hasOwnLimit, type ResourceKey, type Side, sides } from '../../core/capacity.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { ledgerQuotaKeys, ledgerSideOf, storageQuotaKeyPattern } from '../usage/ledger-keys.ts';
import type { Allocatable } from '../usage/readings.ts';
import { storeGauge } from './store-gauge.ts';

/**
 * Capacity, allocation and actual use per site, read from the store at scrape time (one small
 * query per family, so every replica reports the same figures and none keeps state).
 *
 * Label values are bounded: `site` and `department` are codes, never names; `resource` is `cpu`,
 * `memory`, `gpu`, `storage_<class>` (or `pods` for allocatable); `side` is `requests` or `limits`
 * (storage and GPUs have only `requests`: their limits are the same amount). Like
 * kube-state-metrics' `kube_node_status_allocatable`, families that mix resources carry a `unit`
 * label: `core` (CPU, in cores, not millicores), `byte`, or `integer`.
 * Only `govops_department_quota_used_ratio` has a department label.
 */
export function registerCapacityMetrics(registry: Registry, { uow, logger }: { uow: UnitOfWork; logger?: Logger }) {
  const db = () => uow.db();

  storeGauge(registry, logger, {
    name: 'govops_site_capacity',
    help: 'Physical capacity of a site per resource, as the capacity ledger records it.',
    labelNames: ['site', 'resource', 'unit'],
    async read(set) {
      const rows = await db().selectFrom('site_resources').select(['site_code', 'resource', 'capacity']).execute();
      for (const r of rows) set(resourceLabels(r.site_code, r.resource), inUnit(r.resource, r.capacity));
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_site_allocated',
    help: 'Sum of the quotas approved to departments on a site, per resource and side.',
    labelNames: ['site', 'resource', 'side', 'unit'],
    async read(set) {
      for (const r of await allocatedRows(db())) {
        for (const side of sidesOf(r.resource)) {
          set({ ...resourceLabels(r.site_code, r.resource), side }, inUnit(r.resource, Number(r[side])));
        }
      }
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_site_headroom_ratio',
    help: 'Share of what a site may promise (capacity × overcommit ratio) not yet approved to departments, 0–1.',
    labelNames: ['site', 'resource', 'side'],
    async read(set) {
      const allocated = new Map((await allocatedRows(db())).map((r) => [`${r.site_code}/${r.resource}`, r]));
      const rows = await db().selectFrom('site_resources').selectAll().execute();
      for (const r of rows) {
        const held = allocated.get(`${r.site_code}/${r.resource}`);
        for (const side of sidesOf(r.resource)) {
          const ceiling = ceilingOf(r.capacity, side === 'requests' ? r.requests_ratio_pct : r.limits_ratio_pct);
          const free = ceiling - Number(held?.[side] ?? 0);
          const ratio = ceiling > 0 ? Math.min(1, Math.max(0, free / ceiling)) : 0;
          set({ site: r.site_code, resource: resourceLabel(r.resource), side }, ratio);
        }
      }
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_site_used',
    help: "What departments' namespaces on a site use, as its Kubernetes API last reported, per resource and side.",
    labelNames: ['site', 'resource', 'side', 'unit'],
    async read(set) {
      const rows = await departmentUsage(db())
        .select([
          'quotas.site_code',
          'namespace_usage.quota_key',
          sql<number | string>`sum(namespace_usage.used)`.as('used'),
        ])
        .groupBy(['quotas.site_code', 'namespace_usage.quota_key'])
        .execute();
      // Each ledger quota key is exactly one (resource, side): one row per series.
      for (const r of rows) {
        const target = ledgerSideOf(r.quota_key);
        if (!target || r.used === null) continue;
        const labels = { ...resourceLabels(r.site_code, target.resource), side: target.side };
        set(labels, inUnit(target.resource, Number(r.used)));
      }
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_department_quota_used_ratio',
    help: "Share of a department's quota on a site that its namespace uses (used / hard), per resource and side.",
    labelNames: ['site', 'department', 'resource', 'side'],
    async read(set) {
      const rows = await departmentUsage(db())
        .select([
          'quotas.site_code',
          'quotas.department_code',
          'namespace_usage.quota_key',
          'namespace_usage.hard',
          'namespace_usage.used',
        ])
        .execute();
      for (const r of rows) {
        const target = ledgerSideOf(r.quota_key);
        // A hard of zero has no meaningful share (any use of it is drift, shown elsewhere).
        if (!target || r.used === null || !r.hard) continue;
        set(
          {
            site: r.site_code,
            department: r.department_code,
            resource: resourceLabel(target.resource),
            side: target.side,
          },
          Number(r.used) / Number(r.hard),
        );
      }
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_site_allocatable',
    help: "What a site's Kubernetes nodes offer to pods, summed over nodes, as last read.",
    labelNames: ['site', 'resource', 'unit'],
    async read(set) {
      for (const { site, allocatable } of await observations(db())) {
        if (!allocatable) continue;
        set({ site, resource: 'cpu', unit: 'core' }, allocatable.cpu / 1000);
        set({ site, resource: 'memory', unit: 'byte' }, allocatable.memory);
        set({ site, resource: 'gpu', unit: 'integer' }, allocatable.gpu);
        set({ site, resource: 'pods', unit: 'integer' }, allocatable.pods);
      }
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_site_usage_read_success',
    help: "1 when the last read of a site's Kubernetes API succeeded, 0 when it failed.",
    labelNames: ['site'],
    async read(set) {
      for (const o of await observations(db())) set({ site: o.site }, o.status === 'ok' ? 1 : 0);
    },
  });

  storeGauge(registry, logger, {
    name: 'govops_site_usage_last_success_timestamp_seconds',
    help: "When a site's Kubernetes API was last read successfully (Unix time).",
    labelNames: ['site'],
    async read(set) {
      for (const o of await observations(db())) {
        if (o.lastSuccessAt) set({ site: o.site }, Date.parse(o.lastSuccessAt) / 1000);
      }
    },
  });
}

function allocatedRows(db: Kysely<Database>) {
  return db
    .selectFrom('quota_amounts')
    .select([
      'site_code',
      'resource',
      sql<number | string>`sum(requests)`.as('requests'),
      sql<number | string>`sum(limits)`.as('limits'),
    ])
    .groupBy(['site_code', 'resource'])
    .execute();
}

/** Usage rows of department namespaces (those the ledger approved), ledger keys only. */
function departmentUsage(db: Kysely<Database>) {
  return db
    .selectFrom('namespace_usage')
    .innerJoin('quotas', (j) =>
      j
        .onRef('quotas.site_code', '=', 'namespace_usage.site_code')
        .onRef('quotas.namespace', '=', 'namespace_usage.namespace'),
    )
    .where((eb) =>
      eb.or([
        eb('namespace_usage.quota_key', 'in', ledgerQuotaKeys),
        eb('namespace_usage.quota_key', 'like', storageQuotaKeyPattern),
      ]),
    );
}

async function observations(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('site_observations')
    .select(['site_code', 'status', 'last_success_at', 'allocatable'])
    .execute();
  return rows.map((r) => ({
    site: r.site_code,
    status: r.status,
    lastSuccessAt: r.last_success_at,
    allocatable: r.allocatable ? (JSON.parse(r.allocatable) as Allocatable) : null,
  }));
}

function resourceLabel(resource: string): string {
  return resource.startsWith('storage:') ? `storage_${resource.slice('storage:'.length)}` : resource;
}

function unitLabel(resource: string): string {
  if (resource === 'cpu') return 'core';
  if (resource === 'gpu') return 'integer';
  return 'byte';
}

function resourceLabels(site: string, resource: string) {
  return { site, resource: resourceLabel(resource), unit: unitLabel(resource) };
}

/** Ledger amounts in the metric's unit: millicores become cores. */
function inUnit(resource: string, amount: number): number {
  return resource === 'cpu' ? amount / 1000 : amount;
}

function sidesOf(resource: string): readonly Side[] {
  return hasOwnLimit(resource as ResourceKey) ? sides : ['requests'];
}
