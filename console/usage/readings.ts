import type { V1Node, V1ResourceQuota } from '@kubernetes/client-node';
import type { ObservedQuotaKey } from '../../core/drift.ts';
import { parseQuantity, type QuantityUnit } from '../../core/quantity.ts';
import { unitOfQuotaKey } from '../../core/quota-hard.ts';

/**
 * What a cluster reported, read into exact integers. Kubernetes normalises quantities its own
 * way: memory requested as `1.2Gi` comes back in `status.used` as `1288490188800m` (milli-bytes).
 * Such sub-unit values are rounded up to the next whole unit — usage is never understated — and
 * noted; a value that cannot be read at all is kept as null and noted, never a crash.
 */

/** What a site's nodes offer to pods, summed over every node (cordoned ones included, and counted). */
export type Allocatable = {
  nodes: number;
  unschedulable: number;
  /** millicores */
  cpu: number;
  /** bytes */
  memory: number;
  pods: number;
  /** `nvidia.com/gpu` */
  gpu: number;
};

/** A reading plus what had to be rounded or skipped to get it. */
export type Noted<T> = { value: T; notes: string[] };

/** Reads one quantity exactly, rounding a sub-unit value up; null when unreadable. */
export function readAmount(text: string, unit: QuantityUnit): Noted<number | null> {
  try {
    return { value: parseQuantity(text, unit), notes: [] };
  } catch {
    // Not a whole number of base units: read it in thousandths and round up.
    if (unit !== 'millicores') {
      try {
        const milli = parseQuantity(text, 'millicores');
        const whole = (milli - (milli % 1000)) / 1000 + (milli % 1000 ? 1 : 0);
        return { value: whole, notes: [`${text} rounded up to ${whole}`] };
      } catch {
        // falls through
      }
    }
    return { value: null, notes: [`${JSON.stringify(text.slice(0, 40))} is not a quantity the console can read`] };
  }
}

/**
 * The quota keys of the given namespaces, one row per namespace and key. When a namespace holds
 * several ResourceQuotas naming the same key, Kubernetes enforces the smallest hard amount and
 * every quota tracks the same use: the row keeps the smallest hard and the largest used.
 * Quotas in namespaces outside `namespaces` (system ones, others' tenants) are skipped.
 */
export function quotaRows(
  quotas: readonly V1ResourceQuota[],
  namespaces: ReadonlySet<string>,
): Noted<ObservedQuotaKey[]> & { skipped: number } {
  const rows = new Map<string, ObservedQuotaKey>();
  const notes: string[] = [];
  let skipped = 0;
  for (const q of quotas) {
    const namespace = q.metadata?.namespace ?? '';
    if (!namespaces.has(namespace)) {
      skipped++;
      continue;
    }
    // Before the quota controller's first pass a new quota has no status yet: take spec.hard.
    const hard = q.status?.hard ?? q.spec?.hard ?? {};
    const used = q.status?.used ?? {};
    for (const key of new Set([...Object.keys(hard), ...Object.keys(used)])) {
      const unit = unitOfQuotaKey(key);
      const h = hard[key] === undefined ? { value: null, notes: [] } : readAmount(hard[key], unit);
      const u = used[key] === undefined ? { value: null, notes: [] } : readAmount(used[key], unit);
      for (const n of [...h.notes, ...u.notes]) notes.push(`${namespace} ${key}: ${n}`);
      const id = `${namespace}\u0000${key}`;
      const prev = rows.get(id);
      rows.set(id, {
        namespace,
        key,
        hard: pick(prev?.hard ?? null, h.value, Math.min),
        used: pick(prev?.used ?? null, u.value, Math.max),
      });
    }
  }
  return { value: [...rows.values()], notes, skipped };
}

function pick(a: number | null, b: number | null, choose: (x: number, y: number) => number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return choose(a, b);
}

/** Sums `status.allocatable` over the nodes. */
export function allocatableOf(nodes: readonly V1Node[]): Noted<Allocatable> {
  const total: Allocatable = { nodes: nodes.length, unschedulable: 0, cpu: 0, memory: 0, pods: 0, gpu: 0 };
  const notes: string[] = [];
  const fields = [
    ['cpu', 'cpu', 'millicores'],
    ['memory', 'memory', 'bytes'],
    ['pods', 'pods', 'count'],
    ['nvidia.com/gpu', 'gpu', 'count'],
  ] as const;
  for (const node of nodes) {
    if (node.spec?.unschedulable) total.unschedulable++;
    const allocatable = node.status?.allocatable ?? {};
    for (const [name, field, unit] of fields) {
      const text = allocatable[name];
      if (text === undefined) continue;
      const read = readAmount(text, unit);
      for (const n of read.notes) notes.push(`node ${node.metadata?.name ?? '?'} ${name}: ${n}`);
      if (read.value !== null) total[field] += read.value;
    }
  }
  return { value: total, notes };
}
