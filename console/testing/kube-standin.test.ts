import { get } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeStandIn, startKubeStandIn } from './kube-standin.ts';

/** A raw GET as any Kubernetes client makes it: bearer token, the cluster's CA. */
function call(api: KubeStandIn, path: string, token = api.token): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    get(`${api.url}${path}`, { ca: api.ca, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

describe('the Kubernetes API stand-in', () => {
  let api: KubeStandIn;
  beforeAll(async () => {
    api = await startKubeStandIn();
    api.setNamespaces([
      { name: 'dept-a', labels: { 'app.kubernetes.io/managed-by': 'govops' } },
      { name: 'kube-system' },
    ]);
    api.setQuotas([
      { namespace: 'dept-a', hard: { 'requests.cpu': '4', pods: '10' }, used: { 'requests.cpu': '500m' } },
      { namespace: 'dept-b', name: 'other', hard: { pods: '5' }, labels: { team: 'b' } },
    ]);
    api.setNodes([{ name: 'node-1', allocatable: { cpu: '47500m', memory: '263921212Ki', pods: '110' } }]);
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists quotas across namespaces in the shape of the API reference', async () => {
    const { status, body } = await call(api, '/api/v1/resourcequotas');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      kind: 'ResourceQuotaList',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.any(String) },
    });
    expect(body.items).toHaveLength(2);
    const [a] = body.items;
    expect(a).toEqual({
      metadata: {
        name: 'govops-quota',
        namespace: 'dept-a',
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        resourceVersion: expect.any(String),
        creationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        labels: {},
      },
      spec: { hard: { 'requests.cpu': '4', pods: '10' } },
      status: { hard: { 'requests.cpu': '4', pods: '10' }, used: { 'requests.cpu': '500m', pods: '0' } },
    });
    // List items carry no kind, as from a real API server; single objects do.
    expect(a.kind).toBeUndefined();
    const one = await call(api, '/api/v1/namespaces/dept-b/resourcequotas/other');
    expect(one.body).toMatchObject({ kind: 'ResourceQuota', apiVersion: 'v1', metadata: { name: 'other' } });
  });

  it('filters by namespace and label selector, and pages with limit/continue', async () => {
    expect((await call(api, '/api/v1/namespaces/dept-b/resourcequotas')).body.items).toHaveLength(1);
    expect((await call(api, '/api/v1/namespaces/nowhere/resourcequotas')).body.items).toEqual([]);
    const selected = await call(api, '/api/v1/resourcequotas?labelSelector=team%3Db');
    expect(selected.body.items.map((q: any) => q.metadata.namespace)).toEqual(['dept-b']);
    const managed = await call(api, '/api/v1/namespaces?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgovops');
    expect(managed.body.items.map((n: any) => n.metadata.name)).toEqual(['dept-a']);
    const first = await call(api, '/api/v1/namespaces?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata).toMatchObject({ continue: expect.any(String), remainingItemCount: 1 });
    const rest = await call(api, `/api/v1/namespaces?limit=2&continue=${first.body.metadata.continue}`);
    expect(rest.body.items.map((n: any) => n.metadata.name)).toEqual(['kube-system']);
    expect(rest.body.metadata.continue).toBeUndefined();
  });

  it('serves nodes with allocatable as given', async () => {
    const { body } = await call(api, '/api/v1/nodes');
    expect(body.kind).toBe('NodeList');
    expect(body.items[0].status.allocatable).toEqual({ cpu: '47500m', memory: '263921212Ki', pods: '110' });
    expect(body.items[0].status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
  });

  it('answers errors as Status objects', async () => {
    expect(await call(api, '/api/v1/nodes', 'wrong')).toEqual({
      status: 401,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      },
    });
    expect(await call(api, '/api/v1/nodes/missing')).toMatchObject({
      status: 404,
      body: { kind: 'Status', reason: 'NotFound', message: 'nodes "missing" not found', code: 404 },
    });
    api.fail(403, { resource: 'nodes' });
    expect(await call(api, '/api/v1/nodes')).toMatchObject({
      status: 403,
      body: { reason: 'Forbidden', details: { kind: 'nodes' } },
    });
    expect((await call(api, '/api/v1/resourcequotas')).status).toBe(200);
    api.fail(503);
    expect(await call(api, '/api/v1/resourcequotas')).toMatchObject({
      status: 503,
      body: { reason: 'ServiceUnavailable' },
    });
    api.heal();
    expect((await call(api, '/api/v1/nodes')).status).toBe(200);
  });

  it('goes down and comes back on the same port', async () => {
    await api.down();
    await expect(call(api, '/api/v1/nodes')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await api.up();
    expect((await call(api, '/api/v1/nodes')).status).toBe(200);
  });
});
