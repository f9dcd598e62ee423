import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './agent-process.ts';
import { watchProcess, type WatchedProcess } from './watched-process.ts';

/**
 * Debian's Prometheus and Alertmanager as real processes on loopback, for the tests that prove the
 * dashboards, rules and inhibitions against the real thing. Each gets its own data directory and
 * a port the kernel picked; `query` answers with Prometheus' HTTP API's own JSON.
 */

export const prometheusBinary = '/usr/bin/prometheus';
export const alertmanagerBinary = '/usr/bin/prometheus-alertmanager';

/** Why the real-Prometheus tests cannot run here, or null when they can. */
export function missingMonitoringTools(): string | null {
  for (const binary of [prometheusBinary, alertmanagerBinary]) {
    if (spawnSync(binary, ['--version']).status !== 0) return `${binary} is not installed`;
  }
  return null;
}

export type PromSample = { metric: Record<string, string>; value: [number, string] };
export type PromResponse<T> = { status: 'success' | 'error'; data: T; errorType?: string; error?: string };

export type PrometheusProcess = WatchedProcess & {
  url: string;
  /** An instant query; resolves with Prometheus' answer, errors included (never throws on them). */
  query(expr: string): Promise<PromResponse<{ resultType: string; result: PromSample[] }>>;
  api<T>(path: string): Promise<PromResponse<T>>;
};

/**
 * Starts Prometheus on `config` (YAML text written into `dir`) and waits until it is ready. The
 * 1 s scrape and evaluation intervals of the tests' configs let rates and rules settle in seconds.
 */
export async function startPrometheus(dir: string, config: string): Promise<PrometheusProcess> {
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    prometheusBinary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const watched = watchProcess(child, { name: 'prometheus', waitMs: 30_000, stopMs: 10_000 });
  await untilReady(`${url}/-/ready`, watched);
  const api = async <T>(path: string) =>
    (await (await fetch(`${url}/api/v1/${path}`, { signal: AbortSignal.timeout(10_000) })).json()) as PromResponse<T>;
  return {
    ...watched,
    url,
    api,
    query: (expr) => api(`query?query=${encodeURIComponent(expr)}`),
  };
}

export type AlertmanagerProcess = WatchedProcess & { url: string };

/** Starts Alertmanager alone (no cluster peers) on a configuration file, waits until ready. */
export async function startAlertmanager(dir: string, configFile: string): Promise<AlertmanagerProcess> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    alertmanagerBinary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const watched = watchProcess(child, { name: 'alertmanager', waitMs: 30_000, stopMs: 10_000 });
  await untilReady(`${url}/-/ready`, watched);
  return { ...watched, url };
}

async function untilReady(url: string, process: WatchedProcess, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (process.child.exitCode !== null) throw new Error(`${url}: the process exited:\n${process.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms:\n${process.output()}`);
    await sleep(100);
  }
}
