import type { Allocation, SiteResource } from './capacity.ts';
import { defaultRatios } from './capacity.ts';
import type { DepartmentLevel, SiteRole } from './org.ts';

/**
 * The demo province's capacity. The annual report gives the production site "200 CPU, 8000G
 * memory, 170T storage"; the demo assumes 200 processors × 12 cores × 2 threads = 4,800 vCPU,
 * 8,000 GiB and 170 TiB (60 TiB SSD, 110 TiB HDD). The DR sites' figures are assumptions too:
 * the same-city centre mirrors the provincial systems, the remote centre keeps copies on disk.
 */
export const demoCapacityNote =
  'Demo assumption: 200 CPUs × 12 cores × 2 threads = 4,800 vCPU, 8,000 GiB RAM, 170 TiB storage at the production site.';

const Gi = 1024 ** 3;
const Ti = 1024 ** 4;

function resource(key: SiteResource['resource'], capacity: number): SiteResource {
  return { resource: key, capacity, ratioPercent: defaultRatios(key) };
}

export function demoCapacity(role: SiteRole): SiteResource[] {
  if (role === 'production') {
    return [
      resource('cpu', 4800 * 1000),
      resource('memory', 8000 * Gi),
      resource('storage:ssd', 60 * Ti),
      resource('storage:hdd', 110 * Ti),
    ];
  }
  if (role === 'same-city-dr') {
    return [
      resource('cpu', 1200 * 1000),
      resource('memory', 2400 * Gi),
      resource('storage:ssd', 40 * Ti),
      resource('storage:hdd', 40 * Ti),
    ];
  }
  return [resource('cpu', 1600 * 1000), resource('memory', 3200 * Gi), resource('storage:hdd', 200 * Ti)];
}

/**
 * What each department holds in the demo: every department runs something in production;
 * provincial departments are mirrored same-city, provincial and city departments keep remote copies.
 * Totals stay well inside each site's ceilings, with room left to approve new requests.
 */
export function demoAllocation(level: DepartmentLevel, role: SiteRole): Allocation | null {
  const amounts = (cpuMilli: number, cpuLimitMilli: number, memory: number, disk: string, storage: number) => ({
    cpu: { requests: cpuMilli, limits: cpuLimitMilli },
    memory: { requests: memory, limits: memory },
    [`storage:${disk}`]: { requests: storage, limits: storage },
  });
  if (role === 'production') {
    if (level === 'provincial') return amounts(8000, 16000, 24 * Gi, 'ssd', 200 * Gi);
    if (level === 'city') return amounts(2000, 4000, 2 * Gi, 'hdd', 50 * Gi);
    return amounts(500, 1000, 1 * Gi, 'hdd', 20 * Gi);
  }
  if (role === 'same-city-dr') return level === 'provincial' ? amounts(4000, 8000, 12 * Gi, 'ssd', 200 * Gi) : null;
  if (level === 'county') return null;
  return level === 'provincial'
    ? amounts(2000, 4000, 4 * Gi, 'hdd', 50 * Gi)
    : amounts(500, 1000, 1 * Gi, 'hdd', 50 * Gi);
}
