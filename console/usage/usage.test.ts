import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Allocation } from '../../core/capacity.ts';
import { defaultObjectCounts } from '../../core/contracts/desired-state.ts';
import { namespaceOf } from '../../core/namespace.ts';
import { quotaHard } from '../../core/quota-hard.ts';
import { testConfig } from '../config.ts';
import { memoryLogger } from '../logger.ts';
import { openStore, type Store } from '../store/open.ts';
import { backends, postgresAvailable, type TestStore } from '../store/testing.ts';
import { unitOfWork } from '../store/unit-of-work.ts';
import { type KubeSites, startKubeSites } from '../testing/kube-standin.ts';
import { kubeSiteReader } from './kube-client.ts';
import { seedLedger } from './ledger-fixture.ts';
import { createUsagePoller } from './poller.ts';
import { createUsageService } from './service.ts';

/**
 * The read-back end to end: stand-in API servers on real sockets, the real client, the poller
 * and the service over a real store on both backends.
 */

const pgUp = await postgresAvailable();
const GiB = 2 ** 30;
const prod = 'prod-hefei';
const dr = 'dr-hefei';
const [finance, health, unbuilt, drOnly] = ['340100-001', '340100-002', '340100-003', '340100-004'];
const allocations: Record<string, Allocation> = {
  [finance]: {
    cpu: { requests: 4000, limits: 16_000 },
    memory: { requests: 8 * GiB, limits: 16 * GiB },
    'storage:ssd': { requests: 100 * GiB, limits: 100 * GiB },
  },
  [health]: { cpu: { requests: 2000, limits: 8000 } },
  [unbuilt]: { cpu: { requests: 1000, limits: 1000 } },
  [drOnly]: { cpu: { requests: 1000, limits: 1000 } },
};
const intervalMs = 60_000;

describe.each(backends)('usage read-back on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  const dir = mkdtempSync(join(tmpdir(), 'govops-usage-'));
  let store: TestStore;
  let kube: KubeSites;
  let time: number;
  const now = () => new Date(time);
  const logger = memoryLogger();

  const config = () => testConfig({ ...kube.config, usagePollMs: intervalMs, kubeTimeoutMs: 1000 });
  const usage = () => createUsageService({ uow: unitOfWork(store.db), now, config: config() });
  function poller(db: Store['db'] = store.db, holder = 'replica-a') {
    const c = config();
    return createUsagePoller({
      uow: unitOfWork(db),
      reader: kubeSiteReader({ kubeconfigPath: c.kubeconfigPath!, timeoutMs: c.kubeTimeoutMs }),
      siteContexts: c.kubeSiteContexts,
      intervalMs,
      now,
      logger,
      holder,
    });
  }

  beforeAll(async () => {
    if (!enabled) return;
    store = await open();
    kube = await startKubeSites([prod, dr], dir);
    await seedLedger(store.db, {
      sites: [{ code: prod }, { code: dr }],
      quotas: [
        { department: finance, site: prod, allocation: allocations[finance]! },
        { department: health, site: prod, allocation: allocations[health]! },
        { department: unbuilt, site: prod, allocation: allocations[unbuilt]! },
        { department: drOnly, site: dr, allocation: allocations[drOnly]! },
      ],
    });
  });
  afterAll(async () => {
    await kube?.close();
    await store?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    if (!enabled) return;
    time = Date.parse('2026-11-21T08:00:00Z');
    await store.db.deleteFrom('job_leases').execute();
    await store.db.deleteFrom('namespace_usage').execute();
    await store.db.deleteFrom('site_observations').execute();
    for (const code of [prod, dr]) {
      kube.site(code).heal();
      await kube.site(code).up();
    }
    kube.site(prod).setNodes([
      { name: 'node-1', allocatable: { cpu: '48', memory: '256Gi', pods: '110' } },
      { name: 'node-2', allocatable: { cpu: '47500m', memory: '263921212Ki', pods: '110' }, unschedulable: true },
    ]);
    kube.site(prod).setQuotas([
      {
        namespace: namespaceOf(finance),
        hard: quotaHard(allocations[finance]!, defaultObjectCounts),
        used: {
          'requests.cpu': '1500m',
          'limits.cpu': '3',
          'requests.memory': '1288490188800m',
          'limits.memory': '2Gi',
          'ssd.storageclass.storage.k8s.io/requests.storage': '10Gi',
          'requests.storage': '10Gi',
          pods: '12',
        },
      },
      {
        // Changed by hand on the cluster: 3 CPUs of requests instead of 2; and limits lowered
        // under what the running pods already hold.
        namespace: namespaceOf(health),
        hard: { ...quotaHard(allocations[health]!, defaultObjectCounts), 'requests.cpu': '3' },
        used: { 'requests.cpu': '500m', 'limits.cpu': '9' },
      },
      { namespace: 'kube-system', hard: { pods: '100' }, used: { pods: '40' } },
    ]);
    kube.site(dr).setNodes([{ name: 'dr-1', allocatable: { cpu: '16', memory: '64Gi', pods: '110' } }]);
    kube.site(dr).setQuotas([]);
  });

  it.runIf(enabled)('a healthy site: usage and allocatable recorded, totals per ledger resource', async () => {
    expect(await poller().pollOnce()).toEqual({
      ran: true,
      sites: [
        { site: prod, status: 'ok' },
        { site: dr, status: 'ok' },
      ],
    });
    const [drStatus, prodStatus] = await usage().siteStatuses();
    expect(prodStatus).toEqual({
      site: prod,
      configured: true,
      status: 'ok',
      message: `${namespaceOf(finance)} requests.memory: 1288490188800m rounded up to 1288490189; 1 ResourceQuotas outside the console's namespaces ignored`,
      observedAt: now().toISOString(),
      lastSuccessAt: now().toISOString(),
      stale: false,
      allocatable: {
        nodes: 2,
        unschedulable: 1,
        cpu: 95_500,
        memory: 256 * GiB + 263921212 * 1024,
        pods: 220,
        gpu: 0,
      },
    });
    expect(drStatus).toMatchObject({ site: dr, status: 'ok', message: '' });

    expect(await usage().siteUsedTotals(prod)).toEqual({
      lastSuccessAt: now().toISOString(),
      stale: false,
      used: {
        cpu: { requests: 2000, limits: 12_000 },
        memory: { requests: 1288490189, limits: 2 * GiB },
        'storage:ssd': { requests: 10 * GiB, limits: 10 * GiB },
      },
    });
    expect(await usage().siteReading(prod)).toEqual({
      status: 'ok',
      message: prodStatus!.message,
      observedAt: now().toISOString(),
      lastSuccessAt: now().toISOString(),
      stale: false,
      used: (await usage().siteUsedTotals(prod)).used,
    });
    const finances = await usage().departmentUsage(finance, prod);
    expect(finances).toMatchObject({
      namespace: namespaceOf(finance),
      stale: false,
      used: { cpu: { requests: 1500, limits: 3000 } },
      hard: allocations[finance],
    });
    expect(finances?.keys).toContainEqual({ key: 'pods', hard: 500, used: 12 });
    expect(await usage().departmentUsage(finance, dr)).toBeNull();
    expect(
      await store.db.selectFrom('namespace_usage').selectAll().where('namespace', '=', 'kube-system').execute(),
    ).toEqual([]);
  });

  it.runIf(enabled)('drift: a namespace not provisioned, a hard amount changed, use above hard', async () => {
    expect(await usage().drift(prod)).toEqual({ lastSuccessAt: null, stale: false, checked: false, items: [] });
    expect(await usage().siteReading(prod)).toEqual({
      status: 'not_read',
      message: '',
      observedAt: null,
      lastSuccessAt: null,
      stale: false,
      used: null,
    });
    await poller().pollOnce();
    const drift = await usage().drift(prod);
    expect(drift).toEqual({
      lastSuccessAt: now().toISOString(),
      stale: false,
      checked: true,
      items: [
        {
          kind: 'hard_differs',
          namespace: namespaceOf(health),
          department: health,
          key: 'requests.cpu',
          expected: 2000,
          actual: 3000,
        },
        {
          kind: 'used_above_hard',
          namespace: namespaceOf(health),
          department: health,
          key: 'limits.cpu',
          used: 9000,
          hard: 8000,
        },
        { kind: 'namespace_missing', namespace: namespaceOf(unbuilt), department: unbuilt },
      ],
    });
    expect((await usage().drift(dr)).items).toEqual([
      { kind: 'namespace_missing', namespace: namespaceOf(drOnly), department: drOnly },
    ]);
  });

  const failures = [
    ['401', 'unauthorized', (k: KubeSites) => k.site(prod).fail(401), /^HTTP 401: the cluster refused/],
    ['403', 'forbidden', (k: KubeSites) => k.site(prod).fail(403, { resource: 'nodes' }), /nodes is forbidden/],
    ['500', 'error', (k: KubeSites) => k.site(prod).fail(500), /^HTTP 500: Internal error occurred/],
    ['503', 'error', (k: KubeSites) => k.site(prod).fail(503), /^HTTP 503: the server is currently unable/],
    ['a hung server', 'timeout', (k: KubeSites) => k.site(prod).fail('hang'), /did not answer within 1 s$/],
    ['a closed port', 'unreachable', (k: KubeSites) => k.site(prod).down(), /^cannot connect to .* \(ECONNREFUSED\)$/],
  ] as const;

  it.runIf(enabled).each(failures)(
    '%s is recorded as %s, and the previous usage is kept (stale later)',
    async (_, status, breakIt, message) => {
      const before = time;
      await poller().pollOnce();
      const usedBefore = (await usage().siteUsedTotals(prod)).used;
      await breakIt(kube);
      time += intervalMs;
      const outcome = await poller().pollOnce();
      expect(outcome).toEqual({
        ran: true,
        sites: [
          { site: prod, status },
          { site: dr, status: 'ok' },
        ],
      });
      const prodStatus = (await usage().siteStatuses()).find((s) => s.site === prod)!;
      expect(prodStatus).toMatchObject({
        status,
        observedAt: now().toISOString(),
        lastSuccessAt: new Date(before).toISOString(),
        stale: false,
        allocatable: { nodes: 2 },
      });
      expect(prodStatus.message).toMatch(message);
      expect(prodStatus.message).not.toContain(kube.site(prod).token);
      expect(await usage().siteUsedTotals(prod)).toEqual({
        lastSuccessAt: new Date(before).toISOString(),
        stale: false,
        used: usedBefore,
      });
      expect(await usage().siteReading(prod)).toMatchObject({ status, used: usedBefore });
      expect(logger.lines.join('')).not.toContain(kube.site(prod).token);
      // Three intervals without a successful read: the kept figures are flagged stale.
      time = before + 3 * intervalMs + 1;
      expect(await usage().siteUsedTotals(prod)).toMatchObject({ stale: true, used: usedBefore });
      expect((await usage().drift(prod)).stale).toBe(true);
    },
  );

  it.runIf(enabled)('two replicas: one reads the sites per interval; the other takes over when it stops', async () => {
    const second = openStore(store.url);
    try {
      const a = poller(store.db, 'replica-a');
      const b = poller(second.db, 'replica-b');
      const reads = () => kube.site(prod).requests.filter((r) => r.path === '/api/v1/nodes').length;
      const start = reads();
      const [ra, rb] = await Promise.all([a.pollOnce(), b.pollOnce()]);
      expect([ra.ran, rb.ran].filter(Boolean)).toHaveLength(1);
      const [holder, other] = ra.ran ? [a, b] : [b, a];
      expect(reads() - start).toBe(1);
      for (let i = 1; i <= 3; i++) {
        time += intervalMs;
        expect((await other.pollOnce()).ran).toBe(false);
        expect((await holder.pollOnce()).ran).toBe(true);
      }
      expect(reads() - start).toBe(4);
      await holder.stop();
      expect((await other.pollOnce()).ran).toBe(true);
    } finally {
      await second.db.destroy();
    }
  });

  it.runIf(enabled)(
    'started, it polls at once and on its interval; a failing store is logged, never thrown',
    async () => {
      const failing = {
        ...unitOfWork(store.db),
        db: () => {
          throw new Error('store is down');
        },
      };
      const lines = memoryLogger();
      const p = createUsagePoller({
        uow: failing,
        reader: async () => ({ status: 'error', message: 'unused' }),
        siteContexts: { [prod]: 'x' },
        intervalMs: 20,
        logger: lines,
      });
      p.start();
      await new Promise((r) => setTimeout(r, 120));
      await p.stop();
      const failures = lines.lines.filter((l) => l.includes('usage poll failed'));
      expect(failures.length).toBeGreaterThanOrEqual(2);
      const stoppedAt = lines.lines.length;
      await new Promise((r) => setTimeout(r, 60));
      expect(lines.lines.length).toBe(stoppedAt);
    },
  );
});
