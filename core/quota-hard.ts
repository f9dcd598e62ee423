import { type Amount, type Allocation, type ResourceKey, storageClassOf, unitOf } from './capacity.ts';
import type { ObjectCounts } from './contracts/desired-state.ts';
import { formatQuantity, type QuantityUnit } from './quantity.ts';

/**
 * The `spec.hard` of a department's ResourceQuota, keyed as Kubernetes names quota resources.
 * Shared by the Pulumi program (which writes it) and the console's drift check (which compares
 * what a cluster reports against it), so the two can never disagree on a key.
 */

const gpuKey = 'requests.nvidia.com/gpu';

function storageKey(storageClass: string): string {
  return `${storageClass}.storageclass.storage.k8s.io/requests.storage`;
}

/** The quota keys one ledger resource becomes, with the side each one carries. */
function keysOf(resource: ResourceKey): [string, keyof Amount][] {
  if (resource === 'cpu')
    return [
      ['requests.cpu', 'requests'],
      ['limits.cpu', 'limits'],
    ];
  if (resource === 'memory')
    return [
      ['requests.memory', 'requests'],
      ['limits.memory', 'limits'],
    ];
  if (resource === 'gpu') return [[gpuKey, 'requests']];
  return [[storageKey(storageClassOf(resource)), 'requests']];
}

/** Exact amounts per quota key: ledger resources, total storage, object counts. */
export function quotaHardAmounts(allocation: Allocation, objects: ObjectCounts): Record<string, number> {
  const hard: Record<string, number> = {};
  let storage = 0;
  for (const [resource, amount] of Object.entries(allocation) as [ResourceKey, Amount][]) {
    for (const [key, side] of keysOf(resource)) hard[key] = amount[side];
    if (resource.startsWith('storage:')) storage += amount.requests;
  }
  // Without a total, a claim naming no storage class would escape the per-class keys.
  hard['requests.storage'] = storage;
  for (const [name, count] of Object.entries(objects)) hard[name] = count;
  return hard;
}

/** The unit a quota key's quantities are in (to read `status.hard` and `status.used` exactly). */
export function unitOfQuotaKey(key: string): QuantityUnit {
  if (key.endsWith('.cpu')) return unitOf('cpu');
  if (key.endsWith('.memory') || key.endsWith('storage')) return 'bytes';
  return 'count';
}

/** The ResourceQuota `spec.hard` in Kubernetes quantity notation. */
export function quotaHard(allocation: Allocation, objects: ObjectCounts): Record<string, string> {
  const amounts = quotaHardAmounts(allocation, objects);
  return Object.fromEntries(Object.entries(amounts).map(([k, n]) => [k, formatQuantity(n, unitOfQuotaKey(k))]));
}
