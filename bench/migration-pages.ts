import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnreachable, testPostgresUrl } from '../console/store/testing.ts';
import {
  type ConsoleProcess,
  createToken,
  emptyPostgresDatabase,
  startConsole,
  waitUntilOk,
} from '../test/console-process.ts';

/**
 * The migration board, the DR matrix and the systems list with the demo province's 1,473
 * systems (36 national + 61 provincial + 640 city + 736 county) across 3,196 departments, as a
 * real console process renders them on SQLite and on PostgreSQL: each page fetched in turn,
 * interleaved, BENCH_PAGE_ROUNDS times (default 30) after a warm-up, by an operator's token; the
 * median and p95 of the time to the last byte, and PostgreSQL's median over SQLite's, measured
 * in the same run.
 */
const pageRounds = Number(process.env.BENCH_PAGE_ROUNDS ?? 30);

const pages = [
  { what: 'migration board', path: '/migration' },
  { what: 'migration board, one city', path: '/migration?region=340200' },
  { what: 'DR matrix, first page', path: '/dr' },
  { what: 'DR matrix, target not met', path: '/dr?flag=target-not-met' },
  { what: 'wave plan', path: '/migration/waves' },
  { what: 'systems list', path: '/systems' },
  { what: 'API: migration board', path: '/api/v1/migration-board' },
  { what: 'API: DR matrix', path: '/api/v1/dr/matrix' },
];

type Timing = { ms: number[]; bytes: number };
type StoreRun = { store: string; systems: number; timings: Map<string, Timing> };

const cleanups: (() => Promise<unknown>)[] = [];

async function fetchTimed(url: string, token: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'accept-language': 'zh-CN' } });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200)
    throw new Error(`${url} answered ${res.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
  return { ms, bytes: body.byteLength };
}

async function measureStore(store: string, databaseUrl: string): Promise<StoreRun> {
  const t0 = performance.now();
  const console_: ConsoleProcess = await startConsole({ databaseUrl, startTimeoutMs: 300_000 });
  cleanups.push(() => console_.stop());
  await waitUntilOk(`${console_.baseUrl}/readyz`, t0, 300_000);
  console.log(`${store}: console up with the demo province in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const token = await createToken(databaseUrl, `bench-${store}`, 'cloud-operator');
  const systems = (await (
    await fetch(`${console_.baseUrl}/api/v1/systems?limit=1`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { total: number };

  const timings = new Map<string, Timing>(pages.map((p) => [p.path, { ms: [], bytes: 0 }]));
  for (const p of pages) await fetchTimed(console_.baseUrl + p.path, token); // warm-up: plans, caches, JIT
  for (let round = 0; round < pageRounds; round++) {
    for (const p of pages) {
      const r = await fetchTimed(console_.baseUrl + p.path, token);
      const t = timings.get(p.path)!;
      t.ms.push(r.ms);
      t.bytes = r.bytes;
    }
  }
  await console_.stop();
  return { store, systems: systems.total, timings };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const f = (n: number, digits = 1) => n.toFixed(digits);

function report(runs: StoreRun[]): void {
  const head = ['page', ...runs.flatMap((r) => [`${r.store} p50 ms`, `${r.store} p95 ms`]), 'KiB'];
  if (runs.length === 2) head.push('PG/SQLite p50');
  const rows = pages.map((p) => {
    const cells = [p.what];
    for (const r of runs) {
      const t = r.timings.get(p.path)!;
      cells.push(f(quantile(t.ms, 0.5)), f(quantile(t.ms, 0.95)));
    }
    cells.push(f(runs[0]!.timings.get(p.path)!.bytes / 1024, 0));
    if (runs.length === 2) {
      const [a, b] = runs.map((r) => quantile(r.timings.get(p.path)!.ms, 0.5)) as [number, number];
      cells.push(`${f(b / a, 2)}×`);
    }
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `\nMigration and DR pages: ${runs.map((r) => `${r.systems.toLocaleString('en')} systems on ${r.store}`).join(', ')}; ` +
      `3,196 departments; ${pageRounds} rounds each, time to the last byte over loopback\n`,
  );
  console.log([line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));
}

async function main(): Promise<void> {
  console.log(
    `migration-pages bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.split(' ')[0] ?? 'CPU'}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'govops-bench-migration-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const runs = [await measureStore('SQLite', `sqlite:${join(dir, 'console.db')}`)];
  const why = await postgresUnreachable();
  if (why === null) {
    const db = await emptyPostgresDatabase();
    cleanups.push(db.drop);
    runs.push(await measureStore('PostgreSQL', db.url));
  } else {
    console.log(`PostgreSQL not reachable at ${testPostgresUrl} (${why}): SQLite figures only`);
  }
  report(runs);
}

try {
  await main();
} finally {
  for (const step of cleanups.reverse()) await step().catch(() => {});
}
