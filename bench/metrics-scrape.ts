import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoSites } from '../core/demo-province.ts';
import { type KubeSites, startKubeSites } from '../console/testing/kube-standin.ts';
import { postgresUnreachable, testPostgresUrl } from '../console/store/testing.ts';
import { emptyPostgresDatabase, startConsole, waitUntilOk } from '../test/console-process.ts';
import { fillStandInsFromDemo } from '../test/demo-usage.ts';

/**
 * What a Prometheus scrape of the console costs with the demo province: every store-derived
 * family is read at scrape time (capacity per site, each department's quota use — about 16,000
 * series once usage is read back — 3,317 links' place in the tree, migration, DR, certificates).
 * A real console process on SQLite and on PostgreSQL, its clusters' usage read back from
 * Kubernetes stand-ins; BENCH_SCRAPE_ROUNDS scrapes (default 20) after a warm-up, timed to the
 * last byte, beside `/healthz` in the same rounds, and PostgreSQL's median over SQLite's.
 */
const rounds = Number(process.env.BENCH_SCRAPE_ROUNDS ?? 20);
const sites = demoSites().map((s) => s.code);
const cleanups: (() => Promise<unknown>)[] = [];

type Run = { store: string; scrape: number[]; healthz: number[]; bytes: number; samples: number };

async function timed(url: string): Promise<{ ms: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return { ms: performance.now() - t0, text };
}

async function measure(store: string, databaseUrl: string, kube: KubeSites, fill: () => void): Promise<Run> {
  const console_ = await startConsole({
    databaseUrl,
    startTimeoutMs: 300_000,
    env: { CONSOLE_DEMO: '1', ...kube.env, USAGE_POLL_SECONDS: '5', KUBE_TIMEOUT_SECONDS: '2' },
  });
  cleanups.push(() => console_.stop());
  await waitUntilOk(`${console_.baseUrl}/readyz`, performance.now(), 300_000);
  fill();
  // Wait for the usage read-back to fill the per-department family.
  const deadline = performance.now() + 60_000;
  for (;;) {
    const { text } = await timed(`${console_.baseUrl}/metrics`);
    if ((text.match(/^govops_department_quota_used_ratio\{/gm) ?? []).length > 1000) break;
    if (performance.now() > deadline) throw new Error(`${store}: usage never read back`);
    await sleep(1000);
  }
  const run: Run = { store, scrape: [], healthz: [], bytes: 0, samples: 0 };
  for (let i = 0; i < rounds; i++) {
    const scrape = await timed(`${console_.baseUrl}/metrics`);
    run.scrape.push(scrape.ms);
    run.bytes = scrape.text.length;
    run.samples = scrape.text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    run.healthz.push((await timed(`${console_.baseUrl}/healthz`)).ms);
  }
  await console_.stop();
  return run;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

async function main() {
  console.log(`metrics-scrape bench: Node ${process.version}, ${cpus().length} × CPU, ${rounds} scrapes per store`);
  const dir = mkdtempSync(join(tmpdir(), 'govops-bench-scrape-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const kube = await startKubeSites(sites, dir);
  cleanups.push(() => kube.close());
  const sqlitePath = join(dir, 'console.db');
  // The demo is the same on every store: the SQLite copy's quotas feed the stand-ins for both.
  const fill = () => {
    const db = new DatabaseSync(sqlitePath, { readOnly: true });
    try {
      fillStandInsFromDemo(db, kube, sites);
    } finally {
      db.close();
    }
  };
  const runs = [await measure('SQLite', `sqlite:${sqlitePath}`, kube, fill)];
  const why = await postgresUnreachable();
  if (why === null) {
    const db = await emptyPostgresDatabase();
    cleanups.push(db.drop);
    runs.push(await measure('PostgreSQL', db.url, kube, () => {}));
  } else {
    console.log(`PostgreSQL not reachable at ${testPostgresUrl} (${why}): SQLite figures only`);
  }
  console.log('\nstore        samples   KiB  scrape p50 ms  p95 ms  /healthz p50 ms  scrape/healthz');
  for (const r of runs) {
    const p50 = quantile(r.scrape, 0.5);
    const h50 = quantile(r.healthz, 0.5);
    console.log(
      `${r.store.padEnd(11)} ${String(r.samples).padStart(8)} ${String(Math.round(r.bytes / 1024)).padStart(5)}` +
        ` ${p50.toFixed(1).padStart(14)} ${quantile(r.scrape, 0.95).toFixed(1).padStart(7)}` +
        ` ${h50.toFixed(1).padStart(16)} ${(p50 / h50).toFixed(0).padStart(14)}×`,
    );
  }
  if (runs.length === 2) {
    const [a, b] = runs.map((r) => quantile(r.scrape, 0.5)) as [number, number];
    console.log(`PostgreSQL / SQLite scrape p50: ${(b / a).toFixed(2)}×`);
  }
}

try {
  await main();
} finally {
  for (const step of cleanups.reverse()) await step().catch(() => {});
}
