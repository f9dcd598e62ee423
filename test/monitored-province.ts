import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { demoSites } from '../core/demo-province.ts';
import { type KubeSites, startKubeSites } from '../console/testing/kube-standin.ts';
import { type AgentProcess, freePort, startAgent } from './agent-process.ts';
import { createTestPki, type TestPki } from './cert-factory.ts';
import { consoleApi, type ConsoleProcess, createToken, startConsole, waitUntilOk } from './console-process.ts';
import { fillStandInsFromDemo } from './demo-usage.ts';

/**
 * The demo province as its monitoring sees it, on real processes: a console holding the demo
 * (its clusters' usage read back from Kubernetes stand-ins over HTTPS, an RSA cutover date set)
 * and one agent, enrolled through the API, that measures links the console assigned it under a
 * demo county — a county link and a department link beneath it that cannot connect, and ICMP, TCP
 * and HTTP links that answer — and scans a TLS endpoint, server certificate files and a
 * department's personal certificates (whose holder's name and ID number must never leave it).
 */

export type MonitoredProvince = {
  console: ConsoleProcess;
  agent: AgentProcess;
  /** The agent's scrape endpoint, `host:port`. */
  agentMetrics: string;
  pki: TestPki;
  kube: KubeSites;
  sites: string[];
  /** The department the certificates belong to. */
  department: string;
  /** The demo links the test's links hang under. */
  parents: { city: string; county: string; region: string };
  stop(): Promise<void>;
};

export const downLinks = { county: 'MON-COUNTY', department: 'MON-DEPT-DOWN' } as const;
export const answeringLinks = ['MON-ICMP', 'MON-TCP', 'MON-HTTP'] as const;

export async function startMonitoredProvince(dir: string, sqlite: { DatabaseSync: typeof DatabaseSync }) {
  const dbPath = join(dir, 'console.db');
  const databaseUrl = `sqlite:${dbPath}`;
  const sites = demoSites().map((s) => s.code);
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const pki = await createTestPki();
    stops.push(() => pki.cleanup());
    const kube = await startKubeSites(sites, dir);
    stops.push(() => kube.close());
    const consoleProcess = await startConsole({
      databaseUrl,
      env: {
        CONSOLE_DEMO: '1',
        ...kube.env,
        USAGE_POLL_SECONDS: '5',
        KUBE_TIMEOUT_SECONDS: '2',
        CERT_RSA_CUTOVER_DATE: '2026-01-01',
      },
    });
    stops.push(() => consoleProcess.stop(10_000));
    await waitUntilOk(`${consoleProcess.baseUrl}/readyz`, performance.now(), 60_000);

    const query = <T>(sql: string, ...params: string[]) => {
      const db: DatabaseSync = new sqlite.DatabaseSync(dbPath, { readOnly: true });
      try {
        db.exec('PRAGMA busy_timeout = 5000');
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    };
    const store = new sqlite.DatabaseSync(dbPath, { readOnly: true });
    fillStandInsFromDemo(store, kube, sites);
    store.close();

    const tls: Server = createHttpsServer(
      { cert: pki.rsa.chainPem, key: readFileSync(pki.rsa.leaf.keyPath) },
      (_q, s) => s.end('ok'),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => tls.close(resolve)));
    const tlsPort = (tls.address() as { port: number }).port;

    const token = await createToken(databaseUrl, 'monitoring-e2e', 'network-operator');
    const api = consoleApi(consoleProcess.baseUrl, token);
    const [county] = query<{ code: string; parent_code: string; region_code: string }>(
      "SELECT code, parent_code, region_code FROM links WHERE link_class = 'county' ORDER BY code LIMIT 1",
    );
    const [department] = query<{ code: string }>(
      'SELECT code FROM departments WHERE region_code = ? ORDER BY code LIMIT 1',
      county!.region_code,
    );
    const [site] = sites;
    const created = await api<{ agent: { id: string }; enrolment: { token: string } }>('POST', '/agents', {
      name: 'monitoring-e2e',
      site,
      department: department!.code,
    });

    const closedPort = await freePort();
    const consolePort = consoleProcess.port;
    const links = [
      [downLinks.county, 'county', county!.parent_code, { kind: 'tcp', host: '127.0.0.1', port: closedPort }],
      [downLinks.department, 'department', downLinks.county, { kind: 'tcp', host: '127.0.0.1', port: closedPort }],
      ['MON-ICMP', 'department', county!.code, { kind: 'icmp', host: '127.0.0.1' }],
      ['MON-TCP', 'department', county!.code, { kind: 'tcp', host: '127.0.0.1', port: consolePort }],
      ['MON-HTTP', 'department', county!.code, { kind: 'http', url: `${consoleProcess.baseUrl}/healthz` }],
    ] as const;
    for (const [code, linkClass, parent, target] of links) {
      await api('POST', '/links', {
        code,
        name: `Monitoring test ${code}`,
        class: linkClass,
        parent,
        region: county!.region_code,
        agent: created.agent.id,
        probe: { ...target, intervalSeconds: 5, packets: 3, timeoutMs: 1000 },
      });
    }

    const serverCerts = join(dir, 'server-certs');
    const personalCerts = join(dir, 'personal-certs');
    mkdirSync(serverCerts);
    mkdirSync(personalCerts);
    writeFileSync(join(serverCerts, 'sm2.pem'), pki.sm2.leaf.pem);
    writeFileSync(join(serverCerts, 'ecdsa-expiring.pem'), pki.ecdsa.expiringSoon.pem);
    writeFileSync(join(serverCerts, 'rsa-expired.pem'), pki.rsa.expired.pem);
    writeFileSync(join(personalCerts, 'rsa.pem'), pki.rsa.personal.pem);
    writeFileSync(join(personalCerts, 'sm2.pem'), pki.sm2.personal.pem);
    await api('PUT', `/agents/${created.agent.id}/cert-sources`, [
      { kind: 'tls', id: 'MON-TLS', host: '127.0.0.1', port: tlsPort, servername: pki.hostname },
      { kind: 'files', id: 'MON-SERVER', paths: [serverCerts], department: department!.code },
      { kind: 'files', id: 'MON-PERSONAL', paths: [personalCerts], personal: true, department: department!.code },
    ]);

    const metricsPort = await freePort();
    const agent = startAgent({
      dir,
      yaml: [
        `console: { url: "${consoleProcess.baseUrl}", enrolToken: "${created.enrolment.token}" }`,
        `stateDir: "${join(dir, 'agent-state')}"`,
        `listen: "127.0.0.1:${metricsPort}"`,
        `trustAnchors: ["${pki.rsa.root.certPath}", "${pki.sm2.root.certPath}", "${pki.ecdsa.root.certPath}"]`,
      ].join('\n'),
    });
    stops.push(() => agent.stop(10_000));

    return {
      console: consoleProcess,
      agent,
      agentMetrics: `127.0.0.1:${metricsPort}`,
      pki,
      kube,
      sites,
      department: department!.code,
      parents: { city: county!.parent_code, county: county!.code, region: county!.region_code },
      stop,
    } satisfies MonitoredProvince;
  } catch (e) {
    await stop();
    throw e;
  }
}
