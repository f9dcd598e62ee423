import { describe, expect, it } from 'vitest';
import {
  type Allocation,
  type ResourceKey,
  type Shortfall,
  type SiteResource,
  capacityShortfalls,
  ceilingOf,
  defaultRatios,
  hasOwnLimit,
  isStorageResource,
  resourceKeySchema,
  resourceOrder,
  shortfalls,
  storageClassOf,
  sumAllocations,
  unitOf,
} from './capacity.ts';
import { maxQuantity, parseQuantity } from './quantity.ts';

const Gi = 1024 ** 3;
const Ti = 1024 ** 4;
const max = maxQuantity;

/** The demo production site: 4,800 vCPU, 8,000 GiB of RAM, two storage classes, no GPUs. */
function productionSite(): SiteResource[] {
  return [
    { resource: 'cpu', capacity: parseQuantity('4800', 'millicores'), ratioPercent: defaultRatios('cpu') },
    { resource: 'memory', capacity: parseQuantity('8000Gi', 'bytes'), ratioPercent: defaultRatios('memory') },
    { resource: 'storage:ssd', capacity: 200 * Ti, ratioPercent: defaultRatios('storage:ssd') },
    { resource: 'storage:hdd', capacity: 1000 * Ti, ratioPercent: defaultRatios('storage:hdd') },
  ];
}

/** The same amount on both sides, as storage and GPUs are held. */
function both(amount: number) {
  return { requests: amount, limits: amount };
}

/** A one-resource site, for the arithmetic tests. */
function oneResource(resource: ResourceKey, capacity: number, requests: number, limits = requests): SiteResource[] {
  return [{ resource, capacity, ratioPercent: { requests, limits } }];
}

describe('defaultRatios', () => {
  const cases: [ResourceKey, { requests: number; limits: number }][] = [
    ['cpu', { requests: 100, limits: 400 }],
    ['memory', { requests: 100, limits: 100 }],
    ['gpu', { requests: 100, limits: 100 }],
    ['storage:ssd', { requests: 100, limits: 100 }],
  ];
  it.each(cases)('%s → %j', (key, expected) => {
    expect(defaultRatios(key)).toEqual(expected);
  });

  it('returns a fresh object each time', () => {
    const a = defaultRatios('cpu');
    a.limits = 1;
    expect(defaultRatios('cpu').limits).toBe(400);
  });
});

describe('ceilingOf', () => {
  const cases: [number, number, number][] = [
    [4_800_000, 100, 4_800_000],
    [4_800_000, 400, 19_200_000],
    [8000 * Gi, 100, 8000 * Gi],
    [0, 400, 0],
    [1, 100, 1],
    [1, 150, 1],
    [3, 150, 4],
    [7, 150, 10],
    [4_800_001, 150, 7_200_001],
    [101, 33, 33],
    [1, 99, 0],
    [99, 1, 0],
    [100, 1, 1],
    [999, 10, 99],
    [1000, 1600, 16_000],
    [12_345, 125, 15_431],
    [max, 100, max],
    [max, 0, 0],
  ];
  it.each(cases)('capacity %d × %d %% → %d', (capacity, ratio, expected) => {
    expect(ceilingOf(capacity, ratio)).toBe(expected);
  });

  it('rounds down, never up, with a ratio of 1.5 and odd capacities', () => {
    for (let capacity = 0; capacity <= 2001; capacity++) {
      const ceiling = ceilingOf(capacity, 150);
      expect(ceiling).toBe(Math.floor((capacity * 3) / 2));
      expect(2 * ceiling).toBeLessThanOrEqual(3 * capacity);
      expect(2 * (ceiling + 1)).toBeGreaterThan(3 * capacity);
    }
  });

  // Where floating-point `capacity * ratio / 100` rounds up to 2^53, exact maths must not.
  const nearTop: [number, number][] = [
    [6_004_799_503_160_661, 150],
    [7_205_759_403_790_799, 125],
    [8_188_362_958_855_446, 110],
    [2_251_799_813_678_268, 400],
    [2 ** 52 + 1, 150],
    [max, 100],
    [max - 1, 100],
    [Math.floor((max * 2) / 3), 150],
  ];
  it.each(nearTop)('capacity %d × %d %% is exact (bigint) near 2^53', (capacity, ratio) => {
    const exact = (BigInt(capacity) * BigInt(ratio)) / 100n;
    expect(exact).toBeLessThanOrEqual(BigInt(max));
    const ceiling = ceilingOf(capacity, ratio);
    expect(Number.isSafeInteger(ceiling)).toBe(true);
    expect(BigInt(ceiling)).toBe(exact);
  });

  it('differs from naive floating point where that would overstate', () => {
    const capacity = 6_004_799_503_160_661;
    expect(Math.floor((capacity * 150) / 100)).toBe(2 ** 53);
    expect(ceilingOf(capacity, 150)).toBe(max);
  });
});

describe('shortfalls on the demo production site', () => {
  const site = productionSite();

  it('passes an empty proposal', () => {
    expect(shortfalls(site, {}, {})).toEqual([]);
  });

  it('overcommits CPU limits 4.0 (19,200 vCPU) but not requests (4,800 vCPU)', () => {
    const proposed: Allocation = { cpu: { requests: 4_800_000, limits: 19_200_000 } };
    expect(shortfalls(site, {}, proposed)).toEqual([]);
    expect(shortfalls(site, {}, { cpu: { requests: 4_800_001, limits: 19_200_000 } })).toEqual<Shortfall[]>([
      { resource: 'cpu', side: 'requests', ceiling: 4_800_000, allocated: 0, asked: 4_800_001, shortfall: 1 },
    ]);
    expect(shortfalls(site, {}, { cpu: { requests: 4_800_000, limits: 19_200_001 } })).toEqual<Shortfall[]>([
      { resource: 'cpu', side: 'limits', ceiling: 19_200_000, allocated: 0, asked: 19_200_001, shortfall: 1 },
    ]);
  });

  // [resource, side, ceiling, already held by others]
  const edges: [ResourceKey, 'requests' | 'limits', number, number][] = [
    ['cpu', 'requests', 4_800_000, 4_000_000],
    ['cpu', 'limits', 19_200_000, 18_000_000],
    ['memory', 'requests', 8000 * Gi, 6000 * Gi],
    ['memory', 'limits', 8000 * Gi, 7999 * Gi],
    ['storage:ssd', 'requests', 200 * Ti, 150 * Ti],
    ['storage:hdd', 'limits', 1000 * Ti, 1000 * Ti - 1],
  ];

  it.each(edges)('%s %s: exactly at the ceiling passes', (resource, side, ceiling, held) => {
    const others: Allocation = { [resource]: { requests: 0, limits: 0, [side]: held } };
    const proposed: Allocation = { [resource]: { requests: 0, limits: 0, [side]: ceiling - held } };
    expect(shortfalls(site, others, proposed)).toEqual([]);
  });

  it.each(edges)('%s %s: one unit over fails with shortfall 1', (resource, side, ceiling, held) => {
    const others: Allocation = { [resource]: { requests: 0, limits: 0, [side]: held } };
    const asked = ceiling - held + 1;
    const proposed: Allocation = { [resource]: { requests: 0, limits: 0, [side]: asked } };
    expect(shortfalls(site, others, proposed)).toEqual<Shortfall[]>([
      { resource, side, ceiling, allocated: held, asked, shortfall: 1 },
    ]);
  });

  it('reports both sides of a storage class, whose limits equal its requests', () => {
    const others: Allocation = { 'storage:ssd': both(150 * Ti) };
    expect(shortfalls(site, others, { 'storage:ssd': both(50 * Ti) })).toEqual([]);
    expect(shortfalls(site, others, { 'storage:ssd': both(51 * Ti) })).toEqual<Shortfall[]>([
      {
        resource: 'storage:ssd',
        side: 'requests',
        ceiling: 200 * Ti,
        allocated: 150 * Ti,
        asked: 51 * Ti,
        shortfall: Ti,
      },
      {
        resource: 'storage:ssd',
        side: 'limits',
        ceiling: 200 * Ti,
        allocated: 150 * Ti,
        asked: 51 * Ti,
        shortfall: Ti,
      },
    ]);
  });

  it('gives a resource the site does not offer a ceiling of zero', () => {
    expect(shortfalls(site, {}, { gpu: { requests: 1, limits: 0 } })).toEqual<Shortfall[]>([
      { resource: 'gpu', side: 'requests', ceiling: 0, allocated: 0, asked: 1, shortfall: 1 },
    ]);
    expect(shortfalls(site, {}, { 'storage:nvme': both(Gi) })).toEqual<Shortfall[]>([
      { resource: 'storage:nvme', side: 'requests', ceiling: 0, allocated: 0, asked: Gi, shortfall: Gi },
      { resource: 'storage:nvme', side: 'limits', ceiling: 0, allocated: 0, asked: Gi, shortfall: Gi },
    ]);
  });

  it('ignores a side asked at zero, even for a resource not offered or already over', () => {
    expect(shortfalls(site, {}, { gpu: both(0) })).toEqual([]);
    const others: Allocation = { cpu: { requests: 5_000_000, limits: 0 } };
    expect(shortfalls(site, others, { cpu: { requests: 0, limits: 1_000_000 } })).toEqual([]);
  });

  it('counts what others already hold past a reduced ceiling into the shortfall', () => {
    const others: Allocation = { cpu: { requests: 5_000_000, limits: 0 } };
    expect(shortfalls(site, others, { cpu: { requests: 1, limits: 0 } })).toEqual<Shortfall[]>([
      { resource: 'cpu', side: 'requests', ceiling: 4_800_000, allocated: 5_000_000, asked: 1, shortfall: 200_001 },
    ]);
  });

  it("ignores others' holdings of resources this approval does not ask for", () => {
    const others: Allocation = { memory: both(9000 * Gi), gpu: both(4) };
    expect(shortfalls(site, others, { cpu: { requests: 1000, limits: 4000 } })).toEqual([]);
  });

  it('lists shortfalls in display order: CPU, memory, storage by class, GPU; requests before limits', () => {
    const proposed: Allocation = {
      gpu: both(2),
      'storage:ssd': both(201 * Ti),
      memory: { requests: 8001 * Gi, limits: 8001 * Gi },
      'storage:hdd': both(1001 * Ti),
      cpu: { requests: 4_800_001, limits: 19_200_001 },
    };
    const found = shortfalls(site, {}, proposed);
    expect(found.map((s) => `${s.resource}/${s.side}`)).toEqual([
      'cpu/requests',
      'cpu/limits',
      'memory/requests',
      'memory/limits',
      'storage:hdd/requests',
      'storage:hdd/limits',
      'storage:ssd/requests',
      'storage:ssd/limits',
      'gpu/requests',
      'gpu/limits',
    ]);
    expect(found.map((s) => s.shortfall)).toEqual([1, 1, Gi, Gi, Ti, Ti, Ti, Ti, 2, 2]);
  });

  it('agrees with sumAllocations of every other department', () => {
    const departments: Allocation[] = [
      { cpu: { requests: 1_600_000, limits: 6_400_000 }, memory: both(2000 * Gi) },
      { cpu: { requests: 1_600_000, limits: 6_400_000 }, 'storage:ssd': both(100 * Ti) },
      { cpu: { requests: 1_000_000, limits: 4_000_000 }, memory: both(3000 * Gi) },
    ];
    const others = sumAllocations(departments);
    const fits: Allocation = { cpu: { requests: 600_000, limits: 2_400_000 }, memory: both(3000 * Gi) };
    expect(shortfalls(site, others, fits)).toEqual([]);
    const over: Allocation = { cpu: { requests: 600_001, limits: 2_400_000 }, memory: both(3000 * Gi + 1) };
    expect(shortfalls(site, others, over).map((s) => [s.resource, s.side, s.allocated, s.shortfall])).toEqual([
      ['cpu', 'requests', 4_200_000, 1],
      ['memory', 'requests', 5000 * Gi, 1],
      ['memory', 'limits', 5000 * Gi, 1],
    ]);
  });

  it('does not change its inputs', () => {
    const others: Allocation = { cpu: { requests: 1, limits: 2 } };
    const proposed: Allocation = { cpu: { requests: 5_000_000, limits: 3 }, gpu: both(1) };
    const before = JSON.stringify([site, others, proposed]);
    shortfalls(site, others, proposed);
    expect(JSON.stringify([site, others, proposed])).toBe(before);
  });
});

describe('shortfalls: overcommit ratios and exactness', () => {
  it('rounds a 1.5 ceiling down on an odd capacity', () => {
    const site = oneResource('memory', 4_800_001, 150);
    // 4,800,001 × 1.5 = 7,200,001.5 → 7,200,001
    expect(shortfalls(site, {}, { memory: both(7_200_001) })).toEqual([]);
    expect(shortfalls(site, {}, { memory: both(7_200_002) }).map((s) => [s.ceiling, s.shortfall])).toEqual([
      [7_200_001, 1],
      [7_200_001, 1],
    ]);
  });

  it('applies each side its own ratio', () => {
    const site = oneResource('cpu', 1001, 150, 1600);
    expect(shortfalls(site, {}, { cpu: { requests: 1501, limits: 16_016 } })).toEqual([]);
    expect(shortfalls(site, {}, { cpu: { requests: 1502, limits: 16_017 } })).toEqual<Shortfall[]>([
      { resource: 'cpu', side: 'requests', ceiling: 1501, allocated: 0, asked: 1502, shortfall: 1 },
      { resource: 'cpu', side: 'limits', ceiling: 16_016, allocated: 0, asked: 16_017, shortfall: 1 },
    ]);
  });

  it('holds a ratio below 1.0 back as headroom', () => {
    const site = oneResource('storage:ssd', 1000, 90);
    expect(shortfalls(site, {}, { 'storage:ssd': both(900) })).toEqual([]);
    expect(shortfalls(site, {}, { 'storage:ssd': both(901) })).toHaveLength(2);
  });

  // [capacity, ratio] whose exact ceiling is at most 2^53 − 1, so every sum checked stays exact.
  const nearTop: [number, number][] = [
    [max, 100],
    [6_004_799_503_160_661, 150],
    [7_205_759_403_790_799, 125],
    [2 ** 52 + 1, 150],
    [2_251_799_813_678_268, 400],
  ];
  it.each(nearTop)('capacity %d × %d %%: exact to the last byte near 2^53', (capacity, ratio) => {
    const site = oneResource('storage:archive', capacity, ratio);
    const ceiling = (BigInt(capacity) * BigInt(ratio)) / 100n;
    const held = ceiling - 12_345n;
    const others: Allocation = { 'storage:archive': both(Number(held)) };
    expect(shortfalls(site, others, { 'storage:archive': both(12_345) })).toEqual([]);
    const over = shortfalls(site, others, { 'storage:archive': both(12_346) });
    expect(over).toHaveLength(2);
    for (const s of over) {
      expect(BigInt(s.ceiling)).toBe(ceiling);
      expect(BigInt(s.allocated)).toBe(held);
      expect(s.shortfall).toBe(1);
      expect(BigInt(s.allocated) + BigInt(s.asked) - BigInt(s.ceiling)).toBe(BigInt(s.shortfall));
    }
  });

  it('reports the last unit on a site of 2^53 − 1 bytes', () => {
    const site = oneResource('memory', max, 100);
    expect(shortfalls(site, { memory: both(max - 1) }, { memory: both(1) })).toEqual([]);
    expect(shortfalls(site, { memory: both(max) }, { memory: both(1) }).map((s) => s.shortfall)).toEqual([1, 1]);
    expect(shortfalls(site, {}, { memory: both(max) })).toEqual([]);
  });

  // Known defect in capacity.ts: once allocated + asked passes 2^53 − 1 (possible only when a
  // ceiling does, or others already hold more than it), the floating-point sum can round. These
  // state the exact answer; drop `.fails` once shortfalls compares in bigint.
  it('reports the exact shortfall when allocated + asked passes 2^53', () => {
    const site = oneResource('memory', max, 100);
    // (2^53 − 1) + 2 − (2^53 − 1) = 2; a float sum would round 2^53 + 1 down to 2^53.
    expect(shortfalls(site, { memory: both(max) }, { memory: both(2) }).map((s) => s.shortfall)).toEqual([2, 2]);
  });

  it('refuses one unit over a ceiling above 2^53 (ceilings are held to 2^53 − 1)', () => {
    const capacity = max;
    const ceiling = (BigInt(capacity) * 101n) / 100n; // 9,097,271,247,288,400 > 2^53
    const site = oneResource('storage:archive', capacity, 101);
    const asked = Number(ceiling - BigInt(max) + 1n);
    expect(shortfalls(site, { 'storage:archive': both(max) }, { 'storage:archive': both(asked) })).toHaveLength(2);
  });
});

describe('capacityShortfalls', () => {
  it('passes when every side still covers what is allocated', () => {
    const allocated: Allocation = {
      cpu: { requests: 4_800_000, limits: 19_200_000 },
      memory: both(8000 * Gi),
      'storage:ssd': both(200 * Ti),
    };
    expect(capacityShortfalls(productionSite(), allocated)).toEqual([]);
    expect(capacityShortfalls(productionSite(), {})).toEqual([]);
  });

  it('reports a capacity reduction below the allocation', () => {
    const site = productionSite().map((r) => (r.resource === 'cpu' ? { ...r, capacity: 4_000_000 } : r));
    const allocated: Allocation = { cpu: { requests: 4_500_000, limits: 16_000_000 } };
    expect(capacityShortfalls(site, allocated)).toEqual<Shortfall[]>([
      { resource: 'cpu', side: 'requests', ceiling: 4_000_000, allocated: 4_500_000, asked: 0, shortfall: 500_000 },
    ]);
  });

  it('reports the limits side when the overcommit no longer covers it', () => {
    const site = productionSite().map((r) => (r.resource === 'cpu' ? { ...r, capacity: 3_000_000 } : r));
    const allocated: Allocation = { cpu: { requests: 3_000_000, limits: 16_000_000 } };
    expect(capacityShortfalls(site, allocated)).toEqual<Shortfall[]>([
      { resource: 'cpu', side: 'limits', ceiling: 12_000_000, allocated: 16_000_000, asked: 0, shortfall: 4_000_000 },
    ]);
  });

  it('reports a lowered ratio below the allocation', () => {
    const site = oneResource('cpu', 4_800_000, 100, 200);
    const allocated: Allocation = { cpu: { requests: 4_800_000, limits: 9_600_001 } };
    expect(capacityShortfalls(site, allocated).map((s) => [s.side, s.ceiling, s.shortfall])).toEqual([
      ['limits', 9_600_000, 1],
    ]);
  });

  it('allows a reduction exactly down to the allocation, not one unit further', () => {
    const allocated: Allocation = { memory: both(6000 * Gi) };
    expect(capacityShortfalls(oneResource('memory', 6000 * Gi, 100), allocated)).toEqual([]);
    expect(capacityShortfalls(oneResource('memory', 6000 * Gi - 1, 100), allocated)).toEqual<Shortfall[]>([
      { resource: 'memory', side: 'requests', ceiling: 6000 * Gi - 1, allocated: 6000 * Gi, asked: 0, shortfall: 1 },
      { resource: 'memory', side: 'limits', ceiling: 6000 * Gi - 1, allocated: 6000 * Gi, asked: 0, shortfall: 1 },
    ]);
  });

  it('rounds a 1.5 ceiling down on an odd capacity', () => {
    expect(capacityShortfalls(oneResource('memory', 4_800_001, 150), { memory: both(7_200_001) })).toEqual([]);
    expect(
      capacityShortfalls(oneResource('memory', 4_800_001, 150), { memory: both(7_200_002) }).map((s) => s.shortfall),
    ).toEqual([1, 1]);
  });

  it('treats a withdrawn resource as ceiling zero, but only where something is held', () => {
    const site = productionSite().filter((r) => r.resource !== 'storage:hdd');
    expect(capacityShortfalls(site, { 'storage:hdd': both(0) })).toEqual([]);
    expect(capacityShortfalls(site, { 'storage:hdd': both(5 * Ti), gpu: { requests: 1, limits: 0 } })).toEqual<
      Shortfall[]
    >([
      { resource: 'storage:hdd', side: 'requests', ceiling: 0, allocated: 5 * Ti, asked: 0, shortfall: 5 * Ti },
      { resource: 'storage:hdd', side: 'limits', ceiling: 0, allocated: 5 * Ti, asked: 0, shortfall: 5 * Ti },
      { resource: 'gpu', side: 'requests', ceiling: 0, allocated: 1, asked: 0, shortfall: 1 },
    ]);
  });

  it('is exact at 2^53 − 1', () => {
    expect(capacityShortfalls(oneResource('memory', max, 100), { memory: both(max) })).toEqual([]);
    expect(capacityShortfalls(oneResource('memory', max - 1, 100), { memory: both(max) })).toHaveLength(2);
    const capacity = 6_004_799_503_160_661; // × 1.5 = 2^53 − 0.5, rounded down to 2^53 − 1
    expect(capacityShortfalls(oneResource('memory', capacity, 150), { memory: both(max) })).toEqual([]);
    expect(capacityShortfalls(oneResource('memory', capacity - 1, 150), { memory: both(max) })).toHaveLength(2);
  });
});

describe('sumAllocations', () => {
  it('sums nothing to nothing', () => {
    expect(sumAllocations([])).toEqual({});
    expect(sumAllocations([{}, {}])).toEqual({});
  });

  it('adds side by side and resource by resource', () => {
    const list: Allocation[] = [
      { cpu: { requests: 1000, limits: 4000 }, memory: both(Gi) },
      { cpu: { requests: 500, limits: 500 }, 'storage:ssd': both(Ti) },
      { gpu: { requests: 1, limits: 1 }, memory: { requests: 2 * Gi, limits: 3 * Gi } },
    ];
    expect(sumAllocations(list)).toEqual({
      cpu: { requests: 1500, limits: 4500 },
      memory: { requests: 3 * Gi, limits: 4 * Gi },
      'storage:ssd': both(Ti),
      gpu: both(1),
    });
  });

  it('does not change or share its inputs', () => {
    const first: Allocation = { cpu: { requests: 1, limits: 2 } };
    const total = sumAllocations([first, { cpu: { requests: 10, limits: 20 } }]);
    expect(first).toEqual({ cpu: { requests: 1, limits: 2 } });
    expect(total.cpu).not.toBe(first.cpu);
    total.cpu!.requests = 99;
    expect(first.cpu!.requests).toBe(1);
    expect(sumAllocations([first]).cpu).not.toBe(first.cpu);
  });

  it('stays exact up to 2^53 − 1', () => {
    const total = sumAllocations([{ memory: both(max - 1) }, { memory: both(1) }, { memory: both(0) }]);
    expect(total.memory).toEqual(both(max));
    const parts = [2 ** 52, 2 ** 51, 2 ** 50, 2 ** 50 - 1];
    const sum = sumAllocations(parts.map((n) => ({ 'storage:hdd': both(n) })));
    expect(BigInt(sum['storage:hdd']!.requests)).toBe(parts.reduce((a, n) => a + BigInt(n), 0n));
    expect(sum['storage:hdd']!.requests).toBe(max);
  });
});

describe('resource keys', () => {
  const valid = [
    'cpu',
    'memory',
    'gpu',
    'storage:ssd',
    'storage:a',
    'storage:0',
    'storage:fast-ssd-01',
    'storage:ceph-rbd',
    `storage:${'a'.repeat(40)}`,
  ];
  const invalid = [
    '',
    'CPU',
    'Memory',
    'gpus',
    'disk',
    'storage',
    'storage:',
    'storage:SSD',
    'storage:-ssd',
    'storage:ssd-',
    'storage:a_b',
    'storage:a.b',
    'storage:ssd ',
    ' cpu',
    'storage:ssd:fast',
    `storage:${'a'.repeat(41)}`,
    'requests.cpu',
  ];

  it.each(valid)('accepts %j', (key) => {
    expect(resourceKeySchema.safeParse(key)).toEqual({ success: true, data: key });
    expect(isStorageResource(key)).toBe(key.startsWith('storage:'));
  });

  it.each(invalid)('refuses %j', (key) => {
    const parsed = resourceKeySchema.safeParse(key);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('resource');
    expect(isStorageResource(key)).toBe(false);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 1, {}, ['cpu']])
      expect(resourceKeySchema.safeParse(value).success).toBe(false);
  });

  it('names the storage class of a storage key', () => {
    expect(storageClassOf('storage:fast-ssd')).toBe('fast-ssd');
  });

  const units: [ResourceKey, string, boolean][] = [
    ['cpu', 'millicores', true],
    ['memory', 'bytes', true],
    ['storage:ssd', 'bytes', false],
    ['gpu', 'count', false],
  ];
  it.each(units)('%s is counted in %s; own limit: %s', (key, unit, ownLimit) => {
    expect(unitOf(key)).toBe(unit);
    expect(hasOwnLimit(key)).toBe(ownLimit);
  });

  it('orders CPU, memory, storage classes by name, GPU', () => {
    const keys: ResourceKey[] = ['gpu', 'storage:ssd', 'memory', 'storage:archive', 'cpu', 'storage:hdd'];
    expect([...keys].sort(resourceOrder)).toEqual([
      'cpu',
      'memory',
      'storage:archive',
      'storage:hdd',
      'storage:ssd',
      'gpu',
    ]);
    expect(resourceOrder('cpu', 'cpu')).toBe(0);
    expect(resourceOrder('cpu', 'gpu')).toBeLessThan(0);
    expect(resourceOrder('gpu', 'storage:zzz')).toBeGreaterThan(0);
  });
});
