import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in for one Kubernetes cluster's API server, for tests (there is no cluster here). It
 * listens on a real socket (HTTPS on 127.0.0.1, a free port, with a certificate made for the test
 * run by `openssl` and trusted through the kubeconfig's `certificate-authority-data`) and answers the few read-only calls the
 * console makes with the shapes of the Kubernetes API reference (core/v1):
 *
 *   GET /api/v1/namespaces[/{name}]                        NamespaceList / Namespace
 *   GET /api/v1/resourcequotas                             ResourceQuotaList across namespaces
 *   GET /api/v1/namespaces/{ns}/resourcequotas[/{name}]    ResourceQuotaList / ResourceQuota
 *   GET /api/v1/nodes[/{name}]                             NodeList / Node
 *
 * Lists honour `labelSelector` (equality-based: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-joined)
 * and `limit`/`continue` paging. Like the real server, list items carry no `apiVersion`/`kind`
 * (only the list and single objects do), so a client that relies on them fails here as it would
 * against a cluster. Errors are `Status` objects with the matching HTTP code; a request without
 * the right bearer token gets 401.
 *
 * Test controls: `setNamespaces`/`setQuotas`/`setNodes` replace what the cluster holds;
 * `fail(403)` (or 401, 404, 500, 503) makes every call — or one resource's — answer that error;
 * `fail('hang')` accepts requests and never answers (for timeouts); `heal()` undoes both;
 * `down()` closes the port (connection refused) and `up()` opens the same port again. Every
 * request is recorded in `requests`.
 *
 * Several sites: `startKubeSites(['prod-hefei', 'dr-hefei'], dir)` starts one stand-in per site
 * and writes one kubeconfig with a context per site, plus the `KUBECONFIG_PATH` and
 * `KUBE_SITE_CONTEXTS` values that point the console at them.
 *
 * ```ts
 * const kube = await startKubeSites(['prod-hefei'], dir);
 * kube.site('prod-hefei').setNodes([{ name: 'node-1', allocatable: { cpu: '47500m', memory: '263921212Ki' } }]);
 * kube.site('prod-hefei').setQuotas([{ namespace: 'dept-340100-001', hard: { 'requests.cpu': '4' }, used: { 'requests.cpu': '1500m' } }]);
 * const config = testConfig({ ...kube.config });   // or spawn the console with kube.env
 * ...
 * await kube.close();
 * ```
 */

export type Labels = Record<string, string>;
export type StandInNamespace = { name: string; labels?: Labels };
export type StandInQuota = {
  namespace: string;
  /** Defaults to `govops-quota`. */
  name?: string;
  labels?: Labels;
  /** `spec.hard` and `status.hard` (the two agree once the quota controller has run). */
  hard: Record<string, string>;
  /** `status.used`; keys missing here are reported as `0`, as the quota controller does. */
  used?: Record<string, string>;
};
export type StandInNode = {
  name: string;
  labels?: Labels;
  /** `status.allocatable`, e.g. `{ cpu: '47500m', memory: '263921212Ki', pods: '110' }`. */
  allocatable: Record<string, string>;
  /** `status.capacity`; defaults to allocatable. */
  capacity?: Record<string, string>;
  /** `spec.unschedulable` (a cordoned node). */
  unschedulable?: boolean;
};
export type StandInResource = 'namespaces' | 'resourcequotas' | 'nodes';
export type StandInFault = 401 | 403 | 404 | 500 | 503 | 'hang';
export type RecordedRequest = { method: string; path: string; query: Record<string, string>; status: number | null };

export type KubeStandIn = {
  /** `https://127.0.0.1:<port>`: the cluster's `server` in a kubeconfig. */
  readonly url: string;
  /** PEM certificate the server presents (self-signed; the kubeconfig trusts it). */
  readonly ca: string;
  /** The bearer token it accepts. */
  readonly token: string;
  /** Every request received, oldest first (`status` null while it hangs). */
  readonly requests: RecordedRequest[];
  setNamespaces(list: readonly StandInNamespace[]): void;
  setQuotas(list: readonly StandInQuota[]): void;
  setNodes(list: readonly StandInNode[]): void;
  /** Makes every call (or only calls on `resource`) fail this way until `heal()`. */
  fail(fault: StandInFault, opts?: { resource?: StandInResource; message?: string }): void;
  heal(): void;
  /** Closes the port and drops open connections: clients now get ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
};

type Meta = { uid: string; resourceVersion: string; creationTimestamp: string };
type Stored<T> = T & { meta: Meta };

/** Starts one stand-in API server on a free port of 127.0.0.1. */
export async function startKubeStandIn(opts: { token?: string } = {}): Promise<KubeStandIn> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const requests: RecordedRequest[] = [];
  let revision = 1;
  let namespaces: Stored<StandInNamespace>[] = [];
  let quotas: Stored<StandInQuota>[] = [];
  let nodes: Stored<StandInNode>[] = [];
  // Namespaces that exist only because a quota lives in them, stamped once so they stay put.
  const implied = new Map<string, Stored<StandInNamespace>>();
  let fault: { kind: StandInFault; resource?: StandInResource; message?: string } | null = null;

  const stamp = <T>(item: T): Stored<T> => ({
    ...item,
    meta: {
      uid: randomUUID(),
      resourceVersion: String(++revision),
      // RFC 3339 in whole seconds, as the API server writes metav1.Time.
      creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  });

  const { key, cert } = testCertificate();
  const server = createServer({ key, cert }, (req, res) => {
    const record: RecordedRequest = { method: req.method ?? 'GET', path: '', query: {}, status: null };
    requests.push(record);
    const url = new URL(req.url ?? '/', 'http://standin');
    record.path = url.pathname;
    record.query = Object.fromEntries(url.searchParams);
    const answer = (code: number, body: unknown) => {
      record.status = code;
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const route = routeOf(url.pathname);

    if (req.headers.authorization !== `Bearer ${token}`)
      return answer(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (fault && (!fault.resource || fault.resource === route?.resource)) {
      if (fault.kind === 'hang') return; // accepted, never answered
      return answer(fault.kind, faultStatus(fault.kind, route?.resource ?? 'resource', fault.message));
    }
    if (req.method !== 'GET')
      return answer(405, status(405, 'MethodNotAllowed', 'the server does not allow this method'));
    if (!route) return answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));

    const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    if (typeof selector === 'string') return answer(400, status(400, 'BadRequest', selector));
    const allNamespaces = namespaceUnion(namespaces, quotas, implied, stamp);
    if (route.resource === 'namespaces') {
      const items = allNamespaces.map(namespaceObject);
      if (route.name !== undefined) return single(items, route.name, 'namespaces', 'Namespace', answer);
      return list(items, 'NamespaceList', selector, url, revision, answer);
    }
    if (route.resource === 'nodes') {
      const items = nodes.map(nodeObject);
      if (route.name !== undefined) return single(items, route.name, 'nodes', 'Node', answer);
      return list(items, 'NodeList', selector, url, revision, answer);
    }
    const items = quotas
      .filter((q) => route.namespace === undefined || q.namespace === route.namespace)
      .map(quotaObject);
    if (route.name !== undefined) return single(items, route.name, 'resourcequotas', 'ResourceQuota', answer);
    return list(items, 'ResourceQuotaList', selector, url, revision, answer);
  });

  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  let listening = true;

  async function down() {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  return {
    url: `https://127.0.0.1:${port}`,
    ca: cert,
    token,
    requests,
    setNamespaces: (list) => void (namespaces = list.map(stamp)),
    setQuotas: (list) => void (quotas = list.map(stamp)),
    setNodes: (list) => void (nodes = list.map(stamp)),
    fail: (kind, o = {}) => void (fault = { kind, ...o }),
    heal: () => void (fault = null),
    down,
    up: async () => {
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    close: down,
  };
}

/** The sites' stand-ins and the kubeconfig that names them. */
export type KubeSites = {
  site(code: string): KubeStandIn;
  kubeconfigPath: string;
  /** Site code → kubeconfig context (`ctx-<site>`: deliberately not the site code itself). */
  contexts: Record<string, string>;
  /** The console's settings for them, for `testConfig({ ...kube.config })`. */
  config: { kubeconfigPath: string; kubeSiteContexts: Record<string, string> };
  /** The same as environment variables, for a console started as a process. */
  env: { KUBECONFIG_PATH: string; KUBE_SITE_CONTEXTS: string };
  close(): Promise<void>;
};

/** One stand-in per site code, and a kubeconfig at `<dir>/kubeconfig` with a context for each. */
export async function startKubeSites(siteCodes: readonly string[], dir: string): Promise<KubeSites> {
  const standIns = new Map<string, KubeStandIn>();
  for (const code of siteCodes) standIns.set(code, await startKubeStandIn());
  const contexts = Object.fromEntries(siteCodes.map((code) => [code, `ctx-${code}`]));
  const kubeconfigPath = `${dir}/kubeconfig`;
  writeKubeconfig(
    kubeconfigPath,
    siteCodes.map((code) => ({ context: contexts[code]!, ...standIns.get(code)! })),
  );
  return {
    site: (code) => {
      const s = standIns.get(code);
      if (!s) throw new Error(`no stand-in for site ${code}`);
      return s;
    },
    kubeconfigPath,
    contexts,
    config: { kubeconfigPath, kubeSiteContexts: contexts },
    env: {
      KUBECONFIG_PATH: kubeconfigPath,
      KUBE_SITE_CONTEXTS: Object.entries(contexts)
        .map(([site, ctx]) => `${site}=${ctx}`)
        .join(','),
    },
    close: async () => {
      await Promise.all([...standIns.values()].map((s) => s.close()));
    },
  };
}

/**
 * Writes a kubeconfig (JSON, which every YAML reader accepts) with one cluster, user and context
 * per entry; the user authenticates with a bearer token. Mode 0600, like kubectl's.
 */
export function writeKubeconfig(
  path: string,
  entries: readonly { context: string; url: string; token: string; ca: string }[],
) {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({
      name: e.context,
      cluster: { server: e.url, 'certificate-authority-data': Buffer.from(e.ca).toString('base64') },
    })),
    users: entries.map((e) => ({ name: e.context, user: { token: e.token } })),
    contexts: entries.map((e) => ({ name: e.context, context: { cluster: e.context, user: e.context } })),
    'current-context': entries[0]?.context ?? '',
    preferences: {},
  };
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
}

let certificate: { key: string; cert: string } | undefined;

/** A self-signed certificate for 127.0.0.1, made once per test process (P-256: fast to make). */
function testCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'kube-standin-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2']
        .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=kube-standin'])
        .concat(['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']),
      { stdio: 'ignore' },
    );
    certificate = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

type Route = { resource: StandInResource; namespace?: string; name?: string };

function routeOf(path: string): Route | null {
  const p = path.replace(/\/+$/, '').split('/').slice(1);
  if (p[0] !== 'api' || p[1] !== 'v1') return null;
  const [, , a, b, c, d, ...rest] = p;
  if (rest.length) return null;
  if (a === 'nodes' && c === undefined) return { resource: 'nodes', name: b };
  if (a === 'resourcequotas' && b === undefined) return { resource: 'resourcequotas' };
  if (a === 'namespaces' && c === undefined) return { resource: 'namespaces', name: b };
  if (a === 'namespaces' && b !== undefined && c === 'resourcequotas')
    return { resource: 'resourcequotas', namespace: b, name: d };
  return null;
}

type KubeObject = { metadata: { name: string; namespace?: string; labels?: Labels } & Record<string, unknown> };

function metadata(name: string, meta: Meta, labels: Labels | undefined, namespace?: string) {
  return { name, ...(namespace === undefined ? {} : { namespace }), ...meta, labels: labels ?? {} };
}

function namespaceObject(ns: Stored<StandInNamespace>): KubeObject {
  const labels = { 'kubernetes.io/metadata.name': ns.name, ...ns.labels };
  return {
    metadata: metadata(ns.name, ns.meta, labels),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  } as KubeObject;
}

function quotaObject(q: Stored<StandInQuota>): KubeObject {
  const used = Object.fromEntries(Object.keys(q.hard).map((k) => [k, q.used?.[k] ?? '0']));
  return {
    metadata: metadata(q.name ?? 'govops-quota', q.meta, q.labels, q.namespace),
    spec: { hard: q.hard },
    status: { hard: q.hard, used },
  } as KubeObject;
}

function nodeObject(n: Stored<StandInNode>): KubeObject {
  const labels = {
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    ...n.labels,
  };
  const since = n.meta.creationTimestamp;
  return {
    metadata: metadata(n.name, n.meta, labels),
    spec: { podCIDR: '10.244.0.0/24', ...(n.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: n.capacity ?? n.allocatable,
      allocatable: n.allocatable,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: since,
          lastTransitionTime: since,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.31.4',
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.1.0-28-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        operatingSystem: 'linux',
        architecture: 'amd64',
        machineID: n.meta.uid.replace(/-/g, ''),
        systemUUID: n.meta.uid,
        bootID: n.meta.uid,
      },
    },
  } as KubeObject;
}

/** Namespaces set explicitly plus those the quotas live in (a quota cannot exist without one). */
function namespaceUnion(
  explicit: Stored<StandInNamespace>[],
  quotas: Stored<StandInQuota>[],
  implied: Map<string, Stored<StandInNamespace>>,
  stamp: (ns: StandInNamespace) => Stored<StandInNamespace>,
): Stored<StandInNamespace>[] {
  const all = new Map(explicit.map((n) => [n.name, n]));
  for (const { namespace } of quotas) {
    if (all.has(namespace)) continue;
    if (!implied.has(namespace)) implied.set(namespace, stamp({ name: namespace }));
    all.set(namespace, implied.get(namespace)!);
  }
  return [...all.values()];
}

type Answer = (code: number, body: unknown) => void;

function single(items: KubeObject[], name: string, resource: string, kind: string, answer: Answer) {
  const found = items.find((i) => i.metadata.name === name);
  if (!found) {
    const body = status(404, 'NotFound', `${resource} "${name}" not found`);
    return answer(404, { ...body, details: { name, kind: resource } });
  }
  answer(200, { kind, apiVersion: 'v1', ...found });
}

function list(items: KubeObject[], kind: string, selector: Selector, url: URL, revision: number, answer: Answer) {
  const matching = items
    .filter((i) => selector.every((s) => s(i.metadata.labels ?? {})))
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const token = url.searchParams.get('continue');
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) return answer(400, status(400, 'BadRequest', 'continue key is not valid'));
  const end = limit > 0 ? start + limit : matching.length;
  const page = matching.slice(start, end);
  const more = end < matching.length;
  const metadata = {
    resourceVersion: String(revision),
    ...(more
      ? { continue: Buffer.from(String(end)).toString('base64url'), remainingItemCount: matching.length - end }
      : {}),
  };
  answer(200, { kind, apiVersion: 'v1', metadata, items: page });
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

type Selector = ((labels: Labels) => boolean)[];

/** Equality-based label selectors; a message (for a 400) when one cannot be read. */
function parseSelector(text: string): Selector | string {
  const out: Selector = [];
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(!?)([\w./-]+)(?:\s*(==|=|!=)\s*([\w.-]*))?$/.exec(raw);
    if (!m) return `unable to parse requirement: ${JSON.stringify(raw)}`;
    const [, not, key = '', op, value = ''] = m;
    if (not && op) return `unable to parse requirement: ${JSON.stringify(raw)}`;
    if (not) out.push((l) => !(key in l));
    else if (!op) out.push((l) => key in l);
    else if (op === '!=') out.push((l) => l[key] !== value);
    else out.push((l) => l[key] === value);
  }
  return out;
}

const reasons: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** A `Status` object as the API server sends with every error. */
function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function faultStatus(code: Exclude<StandInFault, 'hang'>, resource: string, message?: string) {
  const reason = reasons[code]!;
  if (code === 403) {
    const text =
      message ??
      `${resource} is forbidden: User "system:serviceaccount:govops:usage-reader" cannot list resource "${resource}" in API group "" at the cluster scope`;
    return { ...status(403, reason, text), details: { kind: resource } };
  }
  if (code === 500) {
    const cause = message ?? 'etcdserver: request timed out';
    return { ...status(500, reason, `Internal error occurred: ${cause}`), details: { causes: [{ message: cause }] } };
  }
  if (code === 503) return status(503, reason, message ?? 'the server is currently unable to handle the request');
  if (code === 404) return status(404, reason, message ?? 'the server could not find the requested resource');
  return status(401, reason, message ?? 'Unauthorized');
}
