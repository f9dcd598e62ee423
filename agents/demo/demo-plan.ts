import { stringify } from 'yaml';
import type { CertSourceInput, TargetInput } from '../../core/contracts/agent.ts';

/**
 * What `npm run demo-agent` puts in the console and in the agent's file, as plain data: the
 * agent's name, its links (codes, names, probes, place in the tree) and its YAML. No I/O here, so
 * the end-to-end test names the same links the demo makes.
 */

/** 安徽省数据资源管理局 in the demo province: the demo agent and its certificates belong to it. */
export const demoDepartmentCode = '340000-047';
/** The demo province's backbone; the demo links hang beneath it, beside the provincial units' access links. */
export const demoParentLinkCode = 'bb-340000';

export const demoIntervalSeconds = 10;

export type DemoIdentity = {
  agentName: string;
  links: { icmp: string; tcp: string; http: string; closed: string };
};

/** The agent is `demo-agent-<hostname>`; its links `demo-<host>-<kind>` (link codes are plain ASCII). */
export function demoIdentity(host: string): DemoIdentity {
  const slug =
    host
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'host';
  const code = (kind: string) => `demo-${slug}-${kind}`;
  return {
    agentName: `demo-agent-${host}`.slice(0, 100),
    links: { icmp: code('icmp'), tcp: code('tcp'), http: code('http'), closed: code('closed') },
  };
}

/** Where the links go: under the backbone, for the department, when the console has the demo province. */
export type Placement = { parent: string | null; region: string | null; department: string | null };

type Probe = DistributiveOmit<TargetInput, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The body of `POST /api/v1/links` (without `code` it is a `PATCH`). */
export type LinkBody = {
  code: string;
  name: string;
  class: 'department';
  parent: string | null;
  region: string | null;
  department: string | null;
  agent: string;
  probe: Probe;
};

/** Host and port of the console as the agent reaches it. */
export function consoleEndpoint(consoleUrl: string): { host: string; port: number } {
  const url = new URL(consoleUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host, port };
}

/**
 * Four links measured every 10 s: ICMP to the loopback address, TCP to the console's port, HTTP
 * to its /healthz, and HTTP to a port nobody listens on, which goes DOWN after three rounds
 * without any reply. Department class: access-line thresholds, so loopback timings never read
 * as degraded.
 */
export function demoLinks({
  identity,
  consoleUrl,
  closedPort,
  agentId,
  placement,
}: {
  identity: DemoIdentity;
  consoleUrl: string;
  closedPort: number;
  agentId: string;
  placement: Placement;
}): LinkBody[] {
  const { host, port } = consoleEndpoint(consoleUrl);
  const every = { intervalSeconds: demoIntervalSeconds, packets: 5, timeoutMs: 1000 };
  const base = { class: 'department' as const, ...placement, agent: agentId };
  const healthz = new URL('/healthz', consoleUrl).toString();
  return [
    {
      code: identity.links.icmp,
      name: '演示探针 · 本机 ICMP 127.0.0.1',
      ...base,
      probe: { kind: 'icmp', host: '127.0.0.1', ...every },
    },
    {
      code: identity.links.tcp,
      name: `演示探针 · 控制台端口 TCP ${host}:${port}`,
      ...base,
      probe: { kind: 'tcp', host, port, ...every },
    },
    {
      code: identity.links.http,
      name: '演示探针 · 控制台 HTTP /healthz',
      ...base,
      probe: { kind: 'http', url: healthz, ...every },
    },
    {
      code: identity.links.closed,
      name: `演示探针 · 无人监听的端口 HTTP 127.0.0.1:${closedPort}（三轮后 DOWN）`,
      ...base,
      probe: { kind: 'http', url: `http://127.0.0.1:${closedPort}/`, ...every, packets: 3 },
    },
  ];
}

/** The agent's own file; paths are relative to the file's folder (`<dir>/agent.yaml`). */
export function demoAgentYaml({
  consoleUrl,
  enrolToken,
  listen,
  department,
  tlsPort,
}: {
  consoleUrl: string;
  enrolToken: string;
  listen: string;
  department: string | null;
  /** The demo's TLS endpoint on 127.0.0.1, or null when it is not served. */
  tlsPort: number | null;
}): string {
  const dept = department ? { department } : {};
  const certSources: CertSourceInput[] = [
    { id: 'demo-files', kind: 'files', paths: ['certs/server'], ...dept },
    { id: 'demo-personal', kind: 'files', paths: ['certs/personal'], personal: true, ...dept },
    ...(tlsPort === null
      ? []
      : [{ id: 'demo-tls', kind: 'tls' as const, host: '127.0.0.1', port: tlsPort, servername: 'localhost', ...dept }]),
  ];
  const file = {
    console: { url: consoleUrl, enrolToken },
    stateDir: 'state',
    listen,
    ...dept,
    certScanSeconds: 300,
    certSources,
  };
  return [
    '# Written by `npm run demo-agent` at every start; edits are overwritten.',
    '# The links this agent measures come from the console (see /extranet); the certificate',
    '# sources below are its own. The enrolment token is used once, then the credential in state/ is.',
    stringify(file, { lineWidth: 0 }),
  ].join('\n');
}
