import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnreachable, testPostgresUrl } from '../console/store/testing.ts';
import {
  type ConsoleProcess,
  createToken,
  emptyPostgresDatabase,
  repoRoot,
  startConsole,
  waitUntilOk,
} from '../test/console-process.ts';
import { generateLoad, type LoadResult } from './load.ts';

/**
 * `npm run bench`: start-up time of the console process, and the throughput of one typical API
 * read next to a bare Hono route, on this machine, in one run. All servers stay up while the
 * load runs in interleaved rounds, so a machine that speeds up or slows down during the run
 * affects every target alike; the medians of the rounds are reported. Loopback only, bounded
 * loops. BENCH_SECONDS (per round and target, default 3), BENCH_ROUNDS (default 3) and
 * BENCH_CONCURRENCY (default 10) tune the load.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 10);
const apiPath = '/api/v1/departments?limit=50';

type Target = { what: string; url: string; headers?: Record<string, string>; pid?: number; results: LoadResult[] };
const starts: { what: string; ms: number }[] = [];
const targets: Target[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

/** Cold start on an empty store, SIGTERM, a token from the admin CLI, a warm restart left running. */
async function startConsoleTargets(store: string, databaseUrl: string, withFloor: boolean): Promise<void> {
  let t0 = performance.now();
  const cold = await startConsole({ databaseUrl });
  starts.push({ what: `console on ${store}, first start (migrate, demo, admin)`, ms: await ready(cold, t0) });
  const stopAt = performance.now();
  await stopCleanly(cold);
  starts.push({ what: `console on ${store}, SIGTERM to exit (idle)`, ms: performance.now() - stopAt });

  const token = await createToken(databaseUrl, 'bench', 'viewer');
  t0 = performance.now();
  const warm = await startConsole({ databaseUrl });
  cleanups.push(() => stopCleanly(warm));
  starts.push({ what: `console on ${store}, warm restart`, ms: await ready(warm, t0) });
  const pid = warm.child.pid;
  // The same process without authentication or store: what the console's own middleware costs.
  if (withFloor)
    targets.push({ what: 'console: GET /healthz (no auth, no store)', url: `${warm.baseUrl}/healthz`, results: [] });
  targets.push({
    what: `console on ${store}: GET ${apiPath} (viewer token)`,
    url: `${warm.baseUrl}${apiPath}`,
    headers: { authorization: `Bearer ${token}` },
    pid,
    results: [],
  });
}

function ready(p: ConsoleProcess, t0: number): Promise<number> {
  return waitUntilOk(`${p.baseUrl}/readyz`, t0);
}

async function stopCleanly(p: ConsoleProcess): Promise<void> {
  const exit = await p.stop();
  if (exit.code !== 0) throw new Error(`console exited with ${JSON.stringify(exit)}:\n${p.output()}`);
}

async function startBareTarget(): Promise<void> {
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['bench/bare-server.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(async () => child.kill('SIGTERM'));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (line: Buffer) => resolve((JSON.parse(line.toString()) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/`;
  starts.push({ what: 'bare Hono process (floor)', ms: await waitUntilOk(url, t0) });
  targets.push({ what: 'bare Hono: GET / (constant JSON)', url, pid: child.pid, results: [] });
}

async function runRounds(): Promise<void> {
  const load = (t: Target, durationMs: number) =>
    generateLoad({ url: t.url, headers: t.headers, concurrency, durationMs, maxRequests: 2_000_000 });
  // Warm-up: JIT, prepared statements, connection pools.
  for (const t of targets) await load(t, 1_000);
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round} of ${rounds}…`);
    for (const t of targets) {
      const result = await load(t, seconds * 1000);
      if (result.failures)
        console.warn(`  ${t.what}: ${result.failures} failed ${JSON.stringify(result.failureKinds)}`);
      t.results.push(result);
    }
  }
}

async function postgresReachable(): Promise<boolean> {
  const why = await postgresUnreachable();
  if (why !== null) console.log(`PostgreSQL not reachable at ${testPostgresUrl} (${why}): skipping its figures`);
  return why === null;
}

function rssMiB(pid: number | undefined): number | undefined {
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));

function report(): void {
  console.log(`\nStart-up: spawn of the process to its first 200 (/readyz for the console)\n`);
  console.log(
    table(
      ['what', 'ms'],
      starts.map((s) => [s.what, f(s.ms, 0)]),
    ),
  );

  console.log(
    `\nHTTP load: ${concurrency} keep-alive clients on 127.0.0.1, same generator; ${rounds} interleaved rounds ` +
      `of ${seconds} s per target after a 1 s warm-up; medians of the rounds\n`,
  );
  const figures = targets.map((t) => ({
    t,
    rps: median(t.results.map((r) => r.rps)),
    p50: median(t.results.map((r) => r.p50Ms)),
    p99: median(t.results.map((r) => r.p99Ms)),
  }));
  console.log(
    table(
      ['target', 'req/s', 'req/s range', 'p50 ms', 'p99 ms', 'body B', 'failed', 'RSS MiB'],
      figures.map(({ t, rps, p50, p99 }) => [
        t.what,
        f(rps, 0),
        `${f(Math.min(...t.results.map((r) => r.rps)), 0)}–${f(Math.max(...t.results.map((r) => r.rps)), 0)}`,
        f(p50, 2),
        f(p99, 2),
        f(t.results[0]?.meanBodyBytes, 0),
        String(t.results.reduce((n, r) => n + r.failures, 0)),
        f(rssMiB(t.pid), 0),
      ]),
    ),
  );

  const bare = figures[0]!;
  console.log('\nRatios to the bare Hono route, measured in this run\n');
  console.log(
    table(
      ['target', 'throughput', 'p99 latency'],
      figures.slice(1).map(({ t, rps, p99 }) => [t.what, `${f(rps / bare.rps, 3)}×`, `${f(p99 / bare.p99, 1)}×`]),
    ),
  );
}

console.log(
  `govops bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
);
const dir = mkdtempSync(join(tmpdir(), 'govops-bench-'));
let dropDatabase: (() => Promise<void>) | undefined;
try {
  console.log('bare Hono route…');
  await startBareTarget();
  console.log('console on SQLite…');
  await startConsoleTargets('SQLite', `sqlite:${join(dir, 'console.db')}`, true);
  if (await postgresReachable()) {
    console.log('console on PostgreSQL…');
    const db = await emptyPostgresDatabase();
    dropDatabase = db.drop;
    await startConsoleTargets('PostgreSQL', db.url, false);
  }
  await runRounds();
  report();
} finally {
  for (const stop of cleanups.reverse()) await stop();
  await dropDatabase?.();
  rmSync(dir, { recursive: true, force: true });
}
