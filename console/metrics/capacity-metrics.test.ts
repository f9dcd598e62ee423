import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceOf } from '../../core/namespace.ts';
import { memoryLogger } from '../logger.ts';
import { sqliteTestStore, type TestStore } from '../store/testing.ts';
import { unitOfWork } from '../store/unit-of-work.ts';
import { seedLedger } from '../usage/ledger-fixture.ts';
import { registerCapacityMetrics } from './capacity-metrics.ts';
import { unreadableStore } from './unreadable-store.ts';

const GiB = 2 ** 30;
const site = 'prod-hefei';
const [finance, health] = ['340100-001', '340100-002'];
const at = '2026-11-21T08:00:00.000Z';

/** The value of one series, found by its labels, from a real scrape of the registry. */
async function scrape(registry: Registry) {
  const text = await registry.metrics();
  return {
    text,
    value(name: string, labels: Record<string, string>): number | undefined {
      const want = Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (const line of text.split('\n')) {
        const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const got = m[2]!.split(',').sort().join(',');
        if (got === want) return Number(m[3]);
      }
      return undefined;
    },
  };
}

describe('capacity metrics', () => {
  let store: TestStore;
  const registry = new Registry();

  beforeAll(async () => {
    store = await sqliteTestStore();
    await seedLedger(store.db, {
      sites: [{ code: site, capacity: { cpu: 100_000, memory: 512 * GiB, 'storage:ssd': 10 * 2 ** 40 } }],
      quotas: [
        {
          department: finance,
          site,
          allocation: {
            cpu: { requests: 40_000, limits: 100_000 },
            memory: { requests: 128 * GiB, limits: 256 * GiB },
            'storage:ssd': { requests: 2 * 2 ** 40, limits: 2 * 2 ** 40 },
          },
        },
        { department: health, site, allocation: { cpu: { requests: 10_000, limits: 20_000 } } },
      ],
    });
    const usage = [
      [namespaceOf(finance), 'requests.cpu', 40_000, 10_000],
      [namespaceOf(finance), 'limits.cpu', 100_000, 25_000],
      [namespaceOf(finance), 'requests.memory', 128 * GiB, 32 * GiB],
      [namespaceOf(finance), 'ssd.storageclass.storage.k8s.io/requests.storage', 2 * 2 ** 40, 2 ** 40],
      [namespaceOf(finance), 'pods', 500, 20],
      [namespaceOf(health), 'requests.cpu', 10_000, 2500],
      [namespaceOf(health), 'limits.cpu', 0, 0],
      ['kube-system', 'requests.cpu', 99_000, 99_000],
    ] as const;
    await store.db
      .insertInto('namespace_usage')
      .values(
        usage.map(([namespace, quota_key, hard, used]) => ({
          site_code: site,
          namespace,
          quota_key,
          hard,
          used,
          observed_at: at,
        })),
      )
      .execute();
    const allocatable = { nodes: 3, unschedulable: 0, cpu: 95_500, memory: 500 * GiB, pods: 330, gpu: 0 };
    await store.db
      .insertInto('site_observations')
      .values({
        site_code: site,
        status: 'timeout',
        message: 'x',
        observed_at: at,
        last_success_at: at,
        allocatable: JSON.stringify(allocatable),
      })
      .execute();
    registerCapacityMetrics(registry, { uow: unitOfWork(store.db) });
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('reports capacity, allocation, headroom and use per site in base units', async () => {
    const m = await scrape(registry);
    expect(m.value('govops_site_capacity', { site, resource: 'cpu', unit: 'core' })).toBe(100);
    expect(m.value('govops_site_capacity', { site, resource: 'storage_ssd', unit: 'byte' })).toBe(10 * 2 ** 40);
    expect(m.value('govops_site_allocated', { site, resource: 'cpu', side: 'limits', unit: 'core' })).toBe(120);
    expect(m.value('govops_site_allocated', { site, resource: 'memory', side: 'requests', unit: 'byte' })).toBe(
      128 * GiB,
    );
    // Storage has no limits side of its own.
    expect(m.value('govops_site_allocated', { site, resource: 'storage_ssd', side: 'limits', unit: 'byte' })).toBe(
      undefined,
    );
    // CPU requests: 50 of 100 cores promised; limits: 120 of 100 × 4.0.
    expect(m.value('govops_site_headroom_ratio', { site, resource: 'cpu', side: 'requests' })).toBe(0.5);
    expect(m.value('govops_site_headroom_ratio', { site, resource: 'cpu', side: 'limits' })).toBe(0.7);
    expect(m.value('govops_site_headroom_ratio', { site, resource: 'storage_ssd', side: 'requests' })).toBe(0.8);
    // Used: department namespaces only (kube-system's 99 cores are not a department's).
    expect(m.value('govops_site_used', { site, resource: 'cpu', side: 'requests', unit: 'core' })).toBe(12.5);
    expect(m.value('govops_site_used', { site, resource: 'storage_ssd', side: 'requests', unit: 'byte' })).toBe(
      2 ** 40,
    );
    expect(m.value('govops_site_allocatable', { site, resource: 'cpu', unit: 'core' })).toBe(95.5);
    expect(m.value('govops_site_allocatable', { site, resource: 'pods', unit: 'integer' })).toBe(330);
    expect(m.value('govops_site_usage_read_success', { site })).toBe(0);
    expect(m.value('govops_site_usage_last_success_timestamp_seconds', { site })).toBe(Date.parse(at) / 1000);
  });

  it('reports each department’s use of its quota as a ratio, with codes only', async () => {
    const m = await scrape(registry);
    const ratio = (department: string, resource: string, side: string) =>
      m.value('govops_department_quota_used_ratio', { site, department, resource, side });
    expect(ratio(finance, 'cpu', 'requests')).toBe(0.25);
    expect(ratio(finance, 'storage_ssd', 'requests')).toBe(0.5);
    expect(ratio(health, 'cpu', 'requests')).toBe(0.25);
    expect(ratio(health, 'cpu', 'limits')).toBe(undefined); // a hard of 0 has no share
    const departmentSeries = m.text.split('\n').filter((l) => l.includes('department='));
    expect(departmentSeries.every((l) => l.startsWith('govops_department_quota_used_ratio{'))).toBe(true);
    // Object counts are not ledger resources.
    expect(departmentSeries.filter((l) => l.includes('resource="pods"'))).toEqual([]);
  });

  it('reflects the store at each scrape, and a failed read empties only its own family', async () => {
    await store.db.updateTable('site_observations').set({ status: 'ok' }).execute();
    expect((await scrape(registry)).value('govops_site_usage_read_success', { site })).toBe(1);

    const logger = memoryLogger();
    const broken = new Registry();
    const uow = unreadableStore(unitOfWork(store.db));
    registerCapacityMetrics(broken, { uow, logger });
    const text = await broken.metrics();
    expect(text).toContain('# TYPE govops_site_capacity gauge');
    expect(text).not.toMatch(/^govops_site_capacity\{/m);
    expect(logger.lines.join('')).toMatch(/metric not collected.*govops_site_capacity.*store is down/);
  });
});
