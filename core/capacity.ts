import { z } from 'zod';
import type { QuantityUnit } from './quantity.ts';

/**
 * What a site offers and what departments hold of it. Every resource has a requests side and a
 * limits side; the ledger keeps each side's sum within capacity × that side's overcommit ratio.
 * Storage and GPUs have no separate limit in Kubernetes quotas: their limits equal requests.
 */

/** A storage class name as Kubernetes accepts it (a DNS-1123 label, kept short for quota keys). */
export const storageClassPattern = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

export type StorageResource = `storage:${string}`;
export type ResourceKey = 'cpu' | 'memory' | 'gpu' | StorageResource;
export type Side = 'requests' | 'limits';
export const sides: readonly Side[] = ['requests', 'limits'];

export const resourceKeySchema = z
  .string()
  .refine((k) => k === 'cpu' || k === 'memory' || k === 'gpu' || isStorageResource(k), { message: 'resource' })
  .transform((k) => k as ResourceKey);

export function isStorageResource(key: string): key is StorageResource {
  return key.startsWith('storage:') && storageClassPattern.test(key.slice('storage:'.length));
}

/** The storage class of a `storage:<class>` key. */
export function storageClassOf(key: StorageResource): string {
  return key.slice('storage:'.length);
}

export function unitOf(key: ResourceKey): QuantityUnit {
  if (key === 'cpu') return 'millicores';
  if (key === 'gpu') return 'count';
  return 'bytes';
}

/** Whether a resource's limits are set on their own (CPU, memory) or always equal requests. */
export function hasOwnLimit(key: ResourceKey): boolean {
  return key === 'cpu' || key === 'memory';
}

/** Resources in display order: CPU, memory, storage classes by name, GPU. */
export function resourceOrder(a: ResourceKey, b: ResourceKey): number {
  const rank = (k: ResourceKey) => (k === 'cpu' ? 0 : k === 'memory' ? 1 : k === 'gpu' ? 3 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** An overcommit ratio in hundredths (100 = 1.0), so the ceiling is exact integer maths. */
export type RatioPercent = number;

/**
 * Defaults from DOMAIN.md: CPU limits may be overcommitted 4.0 (OpenStack's default since 2023.1);
 * CPU requests, memory and storage are not overcommitted.
 */
export function defaultRatios(key: ResourceKey): { requests: RatioPercent; limits: RatioPercent } {
  return key === 'cpu' ? { requests: 100, limits: 400 } : { requests: 100, limits: 100 };
}

/** One resource of a site: its physical capacity and the ratio each side may be promised at. */
export type SiteResource = {
  resource: ResourceKey;
  capacity: number;
  ratioPercent: Record<Side, RatioPercent>;
};

/** How much of one resource a department holds (or asks for) on one site. */
export type Amount = Record<Side, number>;
export type Allocation = Partial<Record<ResourceKey, Amount>>;

/**
 * capacity × ratio, rounded down: the most the ledger may promise on one side. Held to 2^53 − 1
 * (no amount can be larger), so the figure stays an exact integer and never rounds up.
 */
export function ceilingOf(capacity: number, ratioPercent: RatioPercent): number {
  const ceiling = (BigInt(capacity) * BigInt(ratioPercent)) / 100n;
  return ceiling > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(ceiling);
}

/** The shortfall when `held` would be promised against `ceiling`, in bigint so sums past 2^53 stay exact. */
function excess(held: bigint, ceiling: number): number {
  const over = held - BigInt(ceiling);
  return over <= 0n ? 0 : over > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(over);
}

/** One side of one resource that an approval would push past its ceiling. */
export type Shortfall = {
  resource: ResourceKey;
  side: Side;
  /** capacity × ratio */
  ceiling: number;
  /** already promised to other departments */
  allocated: number;
  /** asked for by this approval */
  asked: number;
  /** how much is missing: allocated + asked − ceiling */
  shortfall: number;
};

/**
 * Checks one department's new allocation on a site against what everyone else already holds.
 * `others` sums every other department's allocation on the site. A resource the site does not
 * offer has a ceiling of zero.
 */
export function shortfalls(site: readonly SiteResource[], others: Allocation, proposed: Allocation): Shortfall[] {
  const found: Shortfall[] = [];
  for (const [key, amount] of Object.entries(proposed) as [ResourceKey, Amount][]) {
    const offered = site.find((r) => r.resource === key);
    for (const side of sides) {
      const asked = amount[side];
      if (asked === 0) continue;
      const ceiling = offered ? ceilingOf(offered.capacity, offered.ratioPercent[side]) : 0;
      const allocated = others[key]?.[side] ?? 0;
      const shortfall = excess(BigInt(allocated) + BigInt(asked), ceiling);
      if (shortfall > 0) found.push({ resource: key, side, ceiling, allocated, asked, shortfall });
    }
  }
  return found.sort((a, b) => resourceOrder(a.resource, b.resource));
}

/**
 * Checks a capacity change against what is already promised: every side of every resource must
 * still cover the sum of all departments' allocations. Returns what would be left short.
 */
export function capacityShortfalls(site: readonly SiteResource[], allocated: Allocation): Shortfall[] {
  const found: Shortfall[] = [];
  for (const [key, amount] of Object.entries(allocated) as [ResourceKey, Amount][]) {
    const offered = site.find((r) => r.resource === key);
    for (const side of sides) {
      const held = amount[side];
      const ceiling = offered ? ceilingOf(offered.capacity, offered.ratioPercent[side]) : 0;
      const shortfall = excess(BigInt(held), ceiling);
      if (shortfall > 0) found.push({ resource: key, side, ceiling, allocated: held, asked: 0, shortfall });
    }
  }
  return found.sort((a, b) => resourceOrder(a.resource, b.resource));
}

/** Adds allocations resource by resource (sums of exact integers stay exact below 2^53). */
export function sumAllocations(list: readonly Allocation[]): Allocation {
  const total: Allocation = {};
  for (const one of list) {
    for (const [key, amount] of Object.entries(one) as [ResourceKey, Amount][]) {
      const t = (total[key] ??= { requests: 0, limits: 0 });
      t.requests += amount.requests;
      t.limits += amount.limits;
    }
  }
  return total;
}

/** Reads an overcommit ratio written as a decimal (`4`, `4.0`, `1.25`) into hundredths; null when malformed. */
export function parseRatio(text: string): RatioPercent | null {
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** A ratio in hundredths as people write it: 400 → `4.0`, 125 → `1.25`. */
export function formatRatio(ratio: RatioPercent): string {
  const whole = Math.trunc(ratio / 100);
  const rest = ratio % 100;
  return rest === 0 ? `${whole}.0` : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/** The ratios an operator may set: from 0.1 (hold back headroom) to 16 (the most OpenStack ever defaulted to). */
export const ratioBounds = { min: 10, max: 1600 } as const;
