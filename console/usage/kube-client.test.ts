import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type KubeSites, startKubeSites, writeKubeconfig } from '../testing/kube-standin.ts';
import { kubeSiteReader, type ClusterReading } from './kube-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'govops-kube-'));
const site = 'prod-hefei';
const finance = 'dept-340100-001';
const health = 'dept-340100-002';
const departments = new Set([finance, health]);
let kube: KubeSites;
let read: (namespaces?: ReadonlySet<string>, timeoutMs?: number) => Promise<ClusterReading>;

beforeAll(async () => {
  kube = await startKubeSites([site], dir);
  read = (namespaces = departments, timeoutMs = 5000) =>
    kubeSiteReader({ kubeconfigPath: kube.kubeconfigPath, timeoutMs })(kube.contexts[site]!, namespaces);
});
afterAll(async () => {
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  const api = kube.site(site);
  api.heal();
  await api.up();
  api.setNodes([
    { name: 'node-1', allocatable: { cpu: '48', memory: '263921212Ki', pods: '110' } },
    { name: 'node-2', allocatable: { cpu: '47500m', memory: '256Gi', pods: '110', 'nvidia.com/gpu': '4' } },
  ]);
  api.setQuotas([
    {
      namespace: finance,
      hard: { 'requests.cpu': '4', 'limits.cpu': '16', 'requests.memory': '8Gi', pods: '500' },
      used: { 'requests.cpu': '1500m', 'limits.cpu': '3', 'requests.memory': '1288490188800m', pods: '12' },
    },
    { namespace: health, hard: { 'requests.cpu': '2' }, used: { 'requests.cpu': '0' } },
    { namespace: 'kube-system', hard: { pods: '100' }, used: { pods: '30' } },
  ]);
});

describe('kubeSiteReader against a stand-in API server', () => {
  it('reads the department quotas exactly and sums node allocatable', async () => {
    const reading = await read();
    expect(reading).toEqual({
      status: 'ok',
      allocatable: {
        nodes: 2,
        unschedulable: 0,
        cpu: 95_500,
        memory: 263921212 * 1024 + 256 * 2 ** 30,
        pods: 220,
        gpu: 4,
      },
      quotas: [
        { namespace: finance, key: 'requests.cpu', hard: 4000, used: 1500 },
        { namespace: finance, key: 'limits.cpu', hard: 16_000, used: 3000 },
        // 1.2Gi requested comes back in milli-bytes; rounded up to whole bytes.
        { namespace: finance, key: 'requests.memory', hard: 8 * 2 ** 30, used: 1288490189 },
        { namespace: finance, key: 'pods', hard: 500, used: 12 },
        { namespace: health, key: 'requests.cpu', hard: 2000, used: 0 },
      ],
      notes: [
        `${finance} requests.memory: 1288490188800m rounded up to 1288490189`,
        "1 ResourceQuotas outside the console's namespaces ignored",
      ],
    });
  });

  it('follows list pages, keeps the tightest of two quotas, and notes what it cannot read', async () => {
    const api = kube.site(site);
    const many = Array.from({ length: 1203 }, (_, i) => ({ namespace: `dept-${i}`, hard: { pods: '10' } }));
    api.setQuotas([
      ...many,
      { namespace: finance, name: 'govops-quota', hard: { 'requests.cpu': '4', pods: '1500m' }, used: { pods: '7' } },
      { namespace: finance, name: 'hand-made', hard: { 'requests.cpu': '3' }, used: { 'requests.cpu': 'lots' } },
    ]);
    const reading = await read(new Set([finance, 'dept-1202']));
    expect(reading.status).toBe('ok');
    if (reading.status !== 'ok') return;
    expect(reading.quotas).toEqual([
      { namespace: 'dept-1202', key: 'pods', hard: 10, used: 0 },
      { namespace: finance, key: 'requests.cpu', hard: 3000, used: 0 },
      { namespace: finance, key: 'pods', hard: 2, used: 7 },
    ]);
    expect(reading.notes).toEqual([
      `${finance} pods: 1500m rounded up to 2`,
      `${finance} requests.cpu: "lots" is not a quantity the console can read`,
      "1202 ResourceQuotas outside the console's namespaces ignored",
    ]);
    const lists = api.requests.filter((r) => r.path === '/api/v1/resourcequotas').slice(-3);
    expect(lists.map((r) => r.query.limit)).toEqual(['500', '500', '500']);
  });

  it.each([
    [401, 'unauthorized', 'HTTP 401: the cluster refused the credentials of this kubeconfig context'],
    [
      403,
      'forbidden',
      'HTTP 403: resourcequotas is forbidden: User "system:serviceaccount:govops:usage-reader" cannot list resource "resourcequotas" in API group "" at the cluster scope',
    ],
    [500, 'error', 'HTTP 500: Internal error occurred: etcdserver: request timed out'],
    [503, 'error', 'HTTP 503: the server is currently unable to handle the request'],
  ] as const)('an answer of %i is recorded as %s with the server’s reason', async (code, status, message) => {
    kube.site(site).fail(code, { resource: 'resourcequotas' });
    expect(await read()).toEqual({ status, message });
  });

  it('a hung server is a timeout, within the configured time', async () => {
    kube.site(site).fail('hang');
    const started = performance.now();
    expect(await read(departments, 300)).toEqual({
      status: 'timeout',
      message: `${kube.site(site).url} did not answer within 0.3 s`,
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a closed port is unreachable', async () => {
    await kube.site(site).down();
    expect(await read()).toEqual({
      status: 'unreachable',
      message: `cannot connect to ${kube.site(site).url} (ECONNREFUSED)`,
    });
  });

  it('a wrong token is unauthorized, and the token appears in no message', async () => {
    const path = join(dir, 'wrong-token');
    writeKubeconfig(path, [{ ...kube.site(site), context: 'wrong', token: 'not-the-token-0123456789' }]);
    const reading = await kubeSiteReader({ kubeconfigPath: path, timeoutMs: 1000 })('wrong', departments);
    expect(reading.status).toBe('unauthorized');
    expect(JSON.stringify(reading)).not.toContain('not-the-token');
  });

  it('a server certificate the kubeconfig does not vouch for is an error naming the TLS problem', async () => {
    const path = join(dir, 'no-ca');
    const { url, token } = kube.site(site);
    const config = {
      clusters: [{ name: 'c', cluster: { server: url } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'no-ca', context: { cluster: 'c', user: 'u' } }],
    };
    writeFileSync(path, JSON.stringify(config));
    const reading = await kubeSiteReader({ kubeconfigPath: path, timeoutMs: 1000 })('no-ca', departments);
    expect(reading).toMatchObject({
      status: 'error',
      message: expect.stringContaining(`${url}: self-signed certificate`),
    });
  });

  it('a missing context or an unreadable kubeconfig is an error that quotes nothing from the file', async () => {
    expect(await kubeSiteReader({ kubeconfigPath: kube.kubeconfigPath, timeoutMs: 1000 })('nope', departments)).toEqual(
      { status: 'error', message: 'the kubeconfig has no context "nope"' },
    );
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'users: [{ name: x, user: { token: s3cret-token-value\n');
    const reading = await kubeSiteReader({ kubeconfigPath: broken, timeoutMs: 1000 })('x', departments);
    expect(reading).toEqual({ status: 'error', message: 'the kubeconfig file cannot be read' });
    expect(await kubeSiteReader({ kubeconfigPath: join(dir, 'absent'), timeoutMs: 1000 })('x', departments)).toEqual({
      status: 'error',
      message: 'the kubeconfig file cannot be read (ENOENT)',
    });
  });
});
