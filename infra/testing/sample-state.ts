import type { Amount, ResourceKey } from '../../core/capacity.ts';
import {
  type DesiredNamespace,
  type DesiredState,
  defaultObjectCounts,
  desiredStateSchema,
} from '../../core/contracts/desired-state.ts';
import { departmentGroupOf, namespaceOf } from '../../core/namespace.ts';
import type { DepartmentLevel } from '../../core/org.ts';

/** Test documents shaped like the console's export; every one passes the shared schema. */

export const vcpu = (n: number) => n * 1000;
export const mib = (n: number) => n * 1024 ** 2;
export const gib = (n: number) => n * 1024 ** 3;
export const tib = (n: number) => n * 1024 ** 4;

type TenantSpec = {
  code: string;
  level?: DepartmentLevel;
  region?: string;
  allocation: Partial<Record<ResourceKey, Amount>>;
};

export function tenant({ code, level = 'provincial', region = '340000', allocation }: TenantSpec): DesiredNamespace {
  return {
    name: namespaceOf(code),
    department: { code, name: `${code} 局`, level, region },
    group: departmentGroupOf(code),
    allocation,
    objects: defaultObjectCounts,
    approvedAt: '2025-03-01T08:00:00Z',
    requestId: `req-${code}`,
  };
}

const same = (n: number): Amount => ({ requests: n, limits: n });

/**
 * Two sites, four tenancies: the provincial data bureau on both sites, a city bureau with GPUs
 * and two storage classes, and a county department whose code (`AB_`) is no valid label value.
 */
export function twoSiteState(): DesiredState {
  return desiredStateSchema.parse({
    revision: 7,
    generatedAt: '2025-03-02T00:00:00Z',
    sites: [
      {
        code: 'prod-hefei',
        name: '省政务云主中心',
        role: 'production',
        capacity: [
          { resource: 'cpu', capacity: vcpu(512), ratioPercent: { requests: 100, limits: 400 } },
          { resource: 'memory', capacity: tib(2), ratioPercent: { requests: 100, limits: 100 } },
          { resource: 'storage:ssd', capacity: tib(50), ratioPercent: { requests: 100, limits: 100 } },
          { resource: 'storage:hdd', capacity: tib(200), ratioPercent: { requests: 100, limits: 100 } },
          { resource: 'gpu', capacity: 8, ratioPercent: { requests: 100, limits: 100 } },
        ],
        namespaces: [
          tenant({
            code: '340000-001',
            allocation: {
              cpu: { requests: vcpu(64), limits: vcpu(128) },
              memory: { requests: gib(256), limits: gib(256) },
              'storage:ssd': same(tib(2)),
            },
          }),
          tenant({
            code: '340100-003',
            level: 'city',
            region: '340100',
            allocation: {
              cpu: { requests: vcpu(16), limits: vcpu(32) },
              memory: { requests: gib(64), limits: gib(128) },
              gpu: same(2),
              'storage:ssd': same(gib(500)),
              'storage:hdd': same(tib(10)),
            },
          }),
          tenant({
            code: 'AB_',
            level: 'county',
            region: '341021',
            // A token allocation, smaller than the LimitRange's preferred defaults.
            allocation: { cpu: { requests: 50, limits: 200 }, memory: { requests: mib(64), limits: mib(256) } },
          }),
        ],
      },
      {
        code: 'dr-remote',
        name: '省政务云异地灾备中心',
        role: 'remote-dr',
        capacity: [
          { resource: 'cpu', capacity: vcpu(128), ratioPercent: { requests: 100, limits: 400 } },
          { resource: 'memory', capacity: tib(1), ratioPercent: { requests: 100, limits: 100 } },
          { resource: 'storage:hdd', capacity: tib(100), ratioPercent: { requests: 100, limits: 100 } },
        ],
        namespaces: [
          tenant({
            code: '340000-001',
            allocation: {
              cpu: { requests: vcpu(8), limits: vcpu(16) },
              memory: { requests: gib(32), limits: gib(32) },
              'storage:hdd': same(tib(4)),
            },
          }),
        ],
      },
    ],
  });
}
