import type { DatabaseSync } from 'node:sqlite';
import type { Allocation } from '../core/capacity.ts';
import { formatQuantity } from '../core/quantity.ts';
import { defaultObjectCounts } from '../core/contracts/desired-state.ts';
import { quotaHardAmounts, unitOfQuotaKey } from '../core/quota-hard.ts';
import type { KubeSites, StandInNode, StandInQuota } from '../console/testing/kube-standin.ts';

/**
 * Fills the Kubernetes stand-ins with what the demo province's clusters would report: one
 * ResourceQuota per approved quota in the console's store (the `hard` the Pulumi program writes,
 * from the same core/quota-hard.ts) and a `used` share of it, plus nodes whose allocatable is the
 * site's capacity. Every `nearlyFullEvery`-th quota is 95 % used, so "near quota" figures and
 * alerts have something to show; the rest use 40–80 %.
 */
export function fillStandInsFromDemo(
  db: DatabaseSync,
  kube: KubeSites,
  siteCodes: readonly string[],
  { nearlyFullEvery = 25 } = {},
): { quotas: number } {
  const amounts = db
    .prepare('SELECT site_code, department_code, resource, requests, limits FROM quota_amounts ORDER BY 1, 2, 3')
    .all() as { site_code: string; department_code: string; resource: string; requests: number; limits: number }[];
  const namespaces = new Map(
    (db.prepare('SELECT site_code, department_code, namespace FROM quotas').all() as Record<string, string>[]).map(
      (r) => [`${r.site_code}/${r.department_code}`, r.namespace!],
    ),
  );
  const allocations = new Map<string, Allocation>();
  for (const a of amounts) {
    const key = `${a.site_code}/${a.department_code}`;
    const allocation = allocations.get(key) ?? {};
    allocation[a.resource as keyof Allocation] = { requests: Number(a.requests), limits: Number(a.limits) };
    allocations.set(key, allocation);
  }

  const bySite = new Map<string, StandInQuota[]>(siteCodes.map((s) => [s, []]));
  let i = 0;
  for (const [key, allocation] of allocations) {
    const [site] = key.split('/') as [string];
    const namespace = namespaces.get(key);
    if (!namespace || !bySite.has(site)) continue;
    const share = ++i % nearlyFullEvery === 0 ? 0.95 : 0.4 + (i % 5) * 0.1;
    const hard = quotaHardAmounts(allocation, defaultObjectCounts);
    const format = (k: string, n: number) => formatQuantity(Math.floor(n), unitOfQuotaKey(k));
    bySite.get(site)!.push({
      namespace,
      hard: Object.fromEntries(Object.entries(hard).map(([k, n]) => [k, format(k, n)])),
      used: Object.fromEntries(Object.entries(hard).map(([k, n]) => [k, format(k, n * share)])),
    });
  }

  const capacity = db.prepare('SELECT site_code, resource, capacity FROM site_resources').all() as {
    site_code: string;
    resource: string;
    capacity: number;
  }[];
  for (const site of siteCodes) {
    kube.site(site).setQuotas(bySite.get(site)!);
    const cpu = capacity.find((c) => c.site_code === site && c.resource === 'cpu')?.capacity ?? 0;
    const memory = capacity.find((c) => c.site_code === site && c.resource === 'memory')?.capacity ?? 0;
    const nodes: StandInNode[] = [
      {
        name: `${site}-node-1`,
        allocatable: {
          cpu: formatQuantity(Number(cpu), 'millicores'),
          memory: formatQuantity(Number(memory), 'bytes'),
          pods: '110',
        },
      },
    ];
    kube.site(site).setNodes(nodes);
  }
  return { quotas: i };
}
