import { type Allocation, hasOwnLimit, type ResourceKey, type Side, storageClassPattern } from '../../core/capacity.ts';

/**
 * The way back from a ResourceQuota key to the ledger: `requests.cpu` counts toward CPU requests,
 * `fast.storageclass.storage.k8s.io/requests.storage` toward `storage:fast`, and so on. The
 * inverse of the key naming in core/quota-hard.ts (its test checks the two agree); keys outside
 * the ledger (object counts, the storage total) map to nothing.
 */

const fixed: Record<string, { resource: ResourceKey; side: Side }> = {
  'requests.cpu': { resource: 'cpu', side: 'requests' },
  'limits.cpu': { resource: 'cpu', side: 'limits' },
  'requests.memory': { resource: 'memory', side: 'requests' },
  'limits.memory': { resource: 'memory', side: 'limits' },
  'requests.nvidia.com/gpu': { resource: 'gpu', side: 'requests' },
};

const storageSuffix = '.storageclass.storage.k8s.io/requests.storage';

/** The ledger resource and side a quota key counts toward, or null when it is not a ledger key. */
export function ledgerSideOf(quotaKey: string): { resource: ResourceKey; side: Side } | null {
  const known = fixed[quotaKey];
  if (known) return known;
  if (!quotaKey.endsWith(storageSuffix)) return null;
  const storageClass = quotaKey.slice(0, -storageSuffix.length);
  return storageClassPattern.test(storageClass) ? { resource: `storage:${storageClass}`, side: 'requests' } : null;
}

/** The quota keys that carry ledger resources, for queries that should read only those. */
export const ledgerQuotaKeys = Object.keys(fixed);
/** SQL LIKE pattern for the per-class storage keys. */
export const storageQuotaKeyPattern = `%${storageSuffix}`;

/**
 * Sums per-key amounts into a ledger allocation. Storage and GPUs have no limit of their own, so
 * their limits side mirrors requests, as it does in the ledger.
 */
export function allocationOfQuotaKeys(rows: Iterable<{ key: string; amount: number | null }>): Allocation {
  const total: Allocation = {};
  for (const { key, amount } of rows) {
    const target = ledgerSideOf(key);
    if (!target || amount === null) continue;
    const t = (total[target.resource] ??= { requests: 0, limits: 0 });
    t[target.side] += amount;
    if (!hasOwnLimit(target.resource)) t.limits = t.requests;
  }
  return total;
}
