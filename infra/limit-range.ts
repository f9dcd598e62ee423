import { type Allocation, type Amount, type ResourceKey, unitOf } from '../core/capacity.ts';
import { formatQuantity } from '../core/quantity.ts';

/**
 * The LimitRange of a department namespace. A ResourceQuota on CPU or memory makes Kubernetes
 * refuse every pod that does not state requests and limits; the LimitRange fills them in, so a
 * plain `kubectl run` still works. Defaults never exceed what the quota allows, or the defaulted
 * pod would be refused anyway, with a message about a quota the user never asked for.
 */

const mebibyte = 1024 * 1024;
const gibibyte = 1024 * mebibyte;

/** What a container gets when it states nothing: small, like a sidecar or a cron job. */
export const preferredDefaults = {
  cpu: { requests: 100, limits: 500 }, // millicores
  memory: { requests: 128 * mebibyte, limits: 512 * mebibyte }, // bytes
} satisfies Partial<Record<ResourceKey, Amount>>;

/**
 * Block storage is provisioned in whole GiB while the quota counts what a claim asks for; a
 * floor of 1 GiB keeps the quota from undercounting what the backend really hands out.
 */
export const minimumClaim = gibibyte;

type Bounds = Record<string, string>;
export type LimitRangeItem = { type: string; default?: Bounds; defaultRequest?: Bounds; min?: Bounds; max?: Bounds };

/** Container defaults for `cpu` and `memory`, capped by the allocation; zero amounts are left out. */
function containerDefaults(allocation: Allocation): LimitRangeItem {
  const limits: Bounds = {};
  const requests: Bounds = {};
  for (const resource of ['cpu', 'memory'] as const) {
    const preferred = preferredDefaults[resource];
    const allowed = allocation[resource];
    // No key in the allocation means no quota on the resource: nothing to stay under.
    const limit = Math.min(preferred.limits, allowed?.limits ?? preferred.limits);
    // Kubernetes refuses a LimitRange whose default request exceeds its default limit.
    const request = Math.min(preferred.requests, allowed?.requests ?? preferred.requests, limit);
    if (limit > 0) limits[resource] = formatQuantity(limit, unitOf(resource));
    if (request > 0) requests[resource] = formatQuantity(request, unitOf(resource));
  }
  return {
    type: 'Container',
    ...(Object.keys(limits).length > 0 && { default: limits }),
    ...(Object.keys(requests).length > 0 && { defaultRequest: requests }),
  };
}

/** Claim bounds: at least 1 GiB, at most the largest storage class allocation. */
function claimBounds(allocation: Allocation): LimitRangeItem | undefined {
  const classes = Object.entries(allocation).filter(([key]) => key.startsWith('storage:'));
  const largest = Math.max(0, ...classes.map(([, amount]) => amount?.requests ?? 0));
  if (largest < minimumClaim) return undefined;
  return {
    type: 'PersistentVolumeClaim',
    min: { storage: formatQuantity(minimumClaim, 'bytes') },
    max: { storage: formatQuantity(largest, 'bytes') },
  };
}

/** The `spec.limits` of the department's LimitRange. */
export function limitRangeItems(allocation: Allocation): LimitRangeItem[] {
  const claims = claimBounds(allocation);
  return claims ? [containerDefaults(allocation), claims] : [containerDefaults(allocation)];
}
