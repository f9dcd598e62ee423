import { createHash, randomUUID } from 'node:crypto';
import { Agent, request, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { sql } from 'kysely';
import pg from 'pg';
import type { CertificateObservation, LinkRound, ReportBatch } from '../core/contracts/agent.ts';
import { newAgentCredential } from '../console/agents/credentials.ts';
import { secretHash } from '../console/auth/secrets.ts';
import { postgresTestStore, postgresUnreachable, sqliteTestStore, type TestStore } from '../console/store/testing.ts';
import { type TestConsole, testConsole } from '../console/testing/harness.ts';

/**
 * Report ingest at the scale of the demo province: one site agent per department site (3,196),
 * each pushing one batch per 30 s interval with one round for its access link (and, now and
 * then, a scanned certificate chain), to a console serving on a real loopback port, on SQLite and
 * on PostgreSQL in one run. The clients run in a worker thread (their own event loop, so the
 * console's is not shared with them), CONCURRENCY keep-alive connections (default 64), closed
 * loop: each interval's reports go as fast as the console accepts them, with a share of replays
 * (an agent retrying a batch it has no answer for) mixed in. Afterwards the store must hold
 * exactly the batches, rounds, link states and certificates sent, or the figures are not printed
 * as valid. INTERVALS (default 3, after WARMUP intervals, default 1), REPLAY_SHARE (default 0.05), CERT_EVERY (one agent in this many
 * sends its chain per interval, default 40) and STORES (`sqlite`, `postgres`, default both) tune it.
 */
const intervalSeconds = 30;
const intervals = Number(process.env.INTERVALS ?? 3);
/** Intervals sent first and left out of the figures (JIT, statement caches, pool), though checked like the rest. */
const warmups = Number(process.env.WARMUP ?? 1);
const concurrency = Number(process.env.CONCURRENCY ?? 64);
const replayShare = Number(process.env.REPLAY_SHARE ?? 0.05);
const stores = (process.env.STORES ?? 'sqlite,postgres').split(',');
// Agents scan certificates hourly, so in one 30 s interval only a few send a chain.
const certEvery = Number(process.env.CERT_EVERY ?? 40);

// ---------------------------------------------------------------------------------------------
// The clients (worker thread): a closed loop over one interval's jobs.

type Job = { credential: string; body: string };
type RunRequest = { port: number; concurrency: number; jobs: Job[] };
type RunResult = {
  seconds: number;
  latencies: Float64Array;
  /** Non-200 answers and socket errors by kind. */
  failures: Record<string, number>;
  failureSamples: string[];
  stored: number;
  duplicates: number;
  roundsAcked: number;
  certificatesAcked: number;
};

async function runJobs({ port, concurrency, jobs }: RunRequest): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = new Float64Array(jobs.length);
  const result: Omit<RunResult, 'seconds' | 'latencies'> = {
    failures: {},
    failureSamples: [],
    stored: 0,
    duplicates: 0,
    roundsAcked: 0,
    certificatesAcked: 0,
  };
  const fail = (kind: string, sample: string) => {
    result.failures[kind] = (result.failures[kind] ?? 0) + 1;
    if (result.failureSamples.length < 5) result.failureSamples.push(`${kind}: ${sample.slice(0, 300)}`);
  };
  const post = (i: number, job: Job) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/agents/reports',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(job.body),
            authorization: `Bearer ${job.credential}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies[i] = performance.now() - t0;
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200) return resolve(fail(`HTTP ${res.statusCode}`, text));
            const ack = JSON.parse(text) as { duplicate: boolean; rounds: number; certificates: number };
            if (ack.duplicate) result.duplicates++;
            else result.stored++;
            result.roundsAcked += ack.rounds;
            result.certificatesAcked += ack.certificates;
            resolve();
          });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        latencies[i] = performance.now() - t0;
        fail(e.code ?? 'socket error', e.message);
        resolve();
      });
      req.end(job.body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < jobs.length; i = next++) await post(i, jobs[i]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latencies, ...result };
}

if (!isMainThread) {
  parentPort!.on('message', (message: RunRequest | 'exit') => {
    if (message === 'exit') return parentPort!.close();
    void runJobs(message).then((r) => parentPort!.postMessage(r, [r.latencies.buffer as ArrayBuffer]));
  });
}

// ---------------------------------------------------------------------------------------------
// The console side (main thread).

type SiteAgent = { index: number; id: string; name: string; link: string; department: string; credential: string };
type Profile = 'healthy' | 'lossy' | 'slow' | 'dead';

/** What each agent's link looks like all run long: 94 % healthy, 3 % lossy, 2 % slow, 1 % dead. */
function profileOf(index: number): Profile {
  const n = index % 100;
  return n < 94 ? 'healthy' : n < 97 ? 'lossy' : n < 99 ? 'slow' : 'dead';
}

/** A deterministic PRNG (mulberry32), so every run sends the same mix in the same order. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function roundFor(agent: SiteAgent, startedAt: string, rand: () => number): LinkRound {
  const profile = profileOf(agent.index);
  if (profile === 'dead')
    return {
      targetId: agent.link,
      kind: 'icmp',
      startedAt,
      sent: 10,
      received: 0,
      lossRatio: 1,
      rttMs: null,
      jitterMs: null,
      error: 'no reply',
    };
  const received = profile === 'lossy' ? 8 : 10;
  const avg = profile === 'slow' ? 240 + rand() * 40 : 2 + rand() * 30;
  return {
    targetId: agent.link,
    kind: 'icmp',
    startedAt,
    sent: 10,
    received,
    lossRatio: (10 - received) / 10,
    rttMs: { min: avg * 0.8, avg, max: avg * 1.3, mdev: avg * 0.1 },
    jitterMs: avg * 0.05,
  };
}

const fingerprint = (what: string) => createHash('sha256').update(what).digest('hex');
const intermediates = 4;

/** The chain an agent's portal presents: its own leaf, one of four intermediates, the province's root. */
function chainFor(agent: SiteAgent, observedAt: string): CertificateObservation[] {
  const source = { sourceId: 'portal', location: `tls://portal-${agent.department.toLowerCase()}.ah.gov.cn:443` };
  const ca = Math.floor(agent.index / certEvery) % intermediates;
  const common = {
    ...source,
    chainLength: 3,
    notBefore: '2026-01-01T00:00:00.000Z',
    keyAlgorithm: 'sm2',
    curve: 'SM2',
    signatureAlgorithm: 'SM2-with-SM3',
    signatureAlgorithmOid: '1.2.156.10197.1.501',
    personal: false,
    chainVerified: true,
    chainProblems: [],
    observedAt,
  };
  return [
    {
      ...common,
      position: 0,
      fingerprintSha256: fingerprint(`leaf ${agent.department}`),
      subject: `CN=portal-${agent.department.toLowerCase()}.ah.gov.cn,O=${agent.department}`,
      issuer: `CN=Anhui Extranet SM2 CA ${ca}`,
      serial: (0x100000 + agent.index).toString(16).toUpperCase(),
      notAfter: '2027-01-01T00:00:00.000Z',
      sans: [`portal-${agent.department.toLowerCase()}.ah.gov.cn`],
      isCa: false,
    },
    {
      ...common,
      position: 1,
      fingerprintSha256: fingerprint(`intermediate ${ca}`),
      subject: `CN=Anhui Extranet SM2 CA ${ca}`,
      issuer: 'CN=Anhui Extranet SM2 Root',
      serial: `CA0${ca}`,
      notAfter: '2031-01-01T00:00:00.000Z',
      sans: [],
      isCa: true,
    },
    {
      ...common,
      position: 2,
      fingerprintSha256: fingerprint('root'),
      subject: 'CN=Anhui Extranet SM2 Root',
      issuer: 'CN=Anhui Extranet SM2 Root',
      serial: 'C0',
      notAfter: '2036-01-01T00:00:00.000Z',
      sans: [],
      isCa: true,
    },
  ];
}

/** Agents created and enrolled in bulk: the service's own credential format and hash, one per department link. */
async function enrolAgents(t: TestConsole): Promise<SiteAgent[]> {
  const db = t.deps.uow.root;
  const links = await db
    .selectFrom('links')
    .select(['code', 'department_code'])
    .where('link_class', '=', 'department')
    .where('demo', '=', 1)
    .orderBy('code')
    .execute();
  const at = t.clock.now().toISOString();
  const agents = links.map((l, index) => ({
    index,
    id: randomUUID(),
    name: `agent-${l.department_code}`,
    link: l.code,
    department: l.department_code!,
    credential: newAgentCredential(),
  }));
  await t.deps.uow.inTransaction(async () => {
    for (let i = 0; i < agents.length; i += 400) {
      await t.deps.uow
        .db()
        .insertInto('agents')
        .values(
          agents.slice(i, i + 400).map((a) => ({
            id: a.id,
            name: a.name,
            site_code: null,
            department_code: a.department,
            status: 'active',
            enrol_token_hash: secretHash(`gve_bench_${a.id}`),
            enrol_expires_at: at,
            credential_hash: secretHash(a.credential),
            hostname: `${a.name}.site.example`,
            version: '1.4.0',
            created_at: at,
            created_by: 'bench',
            enrolled_at: at,
            revoked_at: null,
            revoked_by: null,
            last_seen_at: at,
            config_revision: null,
            spool_records: 0,
            spool_bytes: 0,
            dropped_total: 0,
          })),
        )
        .execute();
    }
    const assigned =
      await sql`update links set agent_id = (select a.id from agents a where a.name = 'agent-' || links.department_code)
      where link_class = 'department' and demo = 1`.execute(t.deps.uow.db());
    if (Number(assigned.numAffectedRows) !== agents.length)
      throw new Error(`assigned ${assigned.numAffectedRows} links to ${agents.length} agents`);
  });
  // The credential works as the console checks it on every request.
  const sample = agents[agents.length >> 1]!;
  const who = await t.deps.agents.authenticate(sample.credential);
  if (who?.id !== sample.id) throw new Error('a bulk-enrolled credential does not authenticate');
  return agents;
}

type Interval = {
  jobs: Job[];
  replays: number;
  certBatches: number;
  observations: number;
};

/** What the inventory must hold afterwards: distinct fingerprints, and distinct places each was seen. */
type Inventory = { fingerprints: Set<string>; sightings: Set<string> };

/** One interval's reports, one per agent in a shuffled order, plus replays of some shortly after. */
function intervalJobs(agents: SiteAgent[], k: number, now: Date, rand: () => number, inventory: Inventory): Interval {
  const jobs: Job[] = [];
  let certBatches = 0;
  let observations = 0;
  const order = agents.map((a) => a);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const a of order) {
    // Each agent's round falls at its own offset within the 30 s before `now`.
    const startedAt = new Date(now.getTime() - intervalSeconds * 1000 + ((a.index * 7919) % 29_000)).toISOString();
    const certificates = a.index % certEvery === k % certEvery ? chainFor(a, startedAt) : [];
    if (certificates.length) certBatches++;
    observations += certificates.length;
    for (const o of certificates) {
      inventory.fingerprints.add(o.fingerprintSha256);
      inventory.sightings.add(JSON.stringify([o.fingerprintSha256, a.id, o.sourceId, o.location]));
    }
    const batch: ReportBatch = {
      batchId: randomUUID(),
      agentVersion: '1.4.0',
      configRevision: 'bench-rev',
      sentAt: new Date(Date.parse(startedAt) + 10_500).toISOString(),
      spool: { records: 1, bytes: 512, droppedTotal: 0 },
      rounds: [roundFor(a, startedAt, rand)],
      certificates,
    };
    jobs.push({ credential: a.credential, body: JSON.stringify(batch) });
  }
  // Replays: the same batch again, some while the first is in flight, some a little later.
  const replays = Math.round(agents.length * replayShare);
  const picked = new Set<number>();
  while (picked.size < replays) picked.add(Math.floor(rand() * agents.length));
  const inserts = [...picked].map((i) => ({ at: i + 1 + Math.floor(rand() * 4 * concurrency), job: jobs[i]! }));
  for (const { at, job } of inserts.sort((a, b) => b.at - a.at)) jobs.splice(Math.min(at, jobs.length), 0, job);
  return { jobs, replays, certBatches, observations };
}

/** Waits on PostgreSQL backends of one database, sampled every 25 ms while the load runs. */
function postgresWaitSampler(url: string) {
  const client = new pg.Client({ connectionString: url });
  const waits: Record<string, number> = {};
  let samples = 0;
  let running = true;
  const done = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ state: string; wait: string | null; n: string }>(
        `select state, wait_event_type || ':' || wait_event as wait, count(*) as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
          group by 1, 2`,
      );
      samples++;
      for (const r of rows) {
        const key = `${r.state}${r.wait ? ` (${r.wait})` : ''}`;
        waits[key] = (waits[key] ?? 0) + Number(r.n);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { samples, waits };
    },
  };
}

/** Busy and total jiffies of the whole machine (/proc/stat), to tell a saturated host from a waiting console. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - (fields[4] ?? 0), total };
}

const pct = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

type StoreFigures = {
  name: string;
  agents: number;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  intervalSeconds: number[];
  errors: number;
  duplicates: number;
  replays: number;
  checks: string[];
  ok: boolean;
};

async function benchStore(name: string, open: () => Promise<TestStore>, worker: Worker): Promise<StoreFigures> {
  console.log(`\n${name}: console with the demo province…`);
  const t0 = performance.now();
  const t = await testConsole({ store: open, demo: true });
  const consoleSeconds = (performance.now() - t0) / 1000;
  try {
    return await loadAndCheck(name, t, consoleSeconds, worker);
  } finally {
    await t.dispose();
  }
}

async function loadAndCheck(
  name: string,
  t: TestConsole,
  consoleSeconds: number,
  worker: Worker,
): Promise<StoreFigures> {
  const t0 = performance.now();
  const agents = await enrolAgents(t);
  console.log(
    `  console ready in ${consoleSeconds.toFixed(1)} s; ${agents.length} agents enrolled and their links assigned ` +
      `in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const port = (server.address() as { port: number }).port;
  let sampler: ReturnType<typeof postgresWaitSampler> | undefined;
  let waits: Awaited<ReturnType<NonNullable<typeof sampler>['stop']>> | undefined;
  const rand = prng(20261121);
  const all: Float64Array[] = [];
  const perInterval: number[] = [];
  let errors = 0;
  let duplicates = 0;
  let replays = 0;
  let observations = 0;
  const inventory: Inventory = { fingerprints: new Set(), sightings: new Set() };
  let storedAcked = 0;
  let roundsAcked = 0;
  let certificatesAcked = 0;
  let seconds = 0;
  const samples: string[] = [];
  let elu0 = performance.eventLoopUtilization();
  let cpu0 = process.cpuUsage();
  let machine0 = machineCpu();
  try {
    for (let k = 0; k < warmups + intervals; k++) {
      const measured = k >= warmups;
      if (k === warmups) {
        elu0 = performance.eventLoopUtilization();
        cpu0 = process.cpuUsage();
        machine0 = machineCpu();
        if (t.store.dialect === 'postgres') sampler = postgresWaitSampler(t.store.url);
      }
      t.clock.advance(intervalSeconds * 1000);
      const interval = intervalJobs(agents, k, t.clock.now(), rand, inventory);
      const r = await new Promise<RunResult>((resolve, reject) => {
        const failed = (e: Error) => reject(e);
        worker.once('error', failed);
        worker.once('message', (result: RunResult) => {
          worker.off('error', failed);
          resolve(result);
        });
        worker.postMessage({ port, concurrency, jobs: interval.jobs } satisfies RunRequest);
      });
      const failed = Object.values(r.failures).reduce((a, b) => a + b, 0);
      const sorted = r.latencies.slice().sort();
      console.log(
        `  ${measured ? `interval ${k - warmups + 1}` : 'warm-up interval'}: ${interval.jobs.length} reports (${interval.replays} replays, ${interval.certBatches} ` +
          `with certificates) in ${r.seconds.toFixed(2)} s, ${(interval.jobs.length / r.seconds).toFixed(0)}/s; ` +
          `p50 ${pct(sorted, 0.5).toFixed(0)} ms, p99 ${pct(sorted, 0.99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms` +
          (failed ? `, ${failed} FAILED ${JSON.stringify(r.failures)}` : ''),
      );
      if (measured) {
        all.push(r.latencies);
        perInterval.push(r.seconds);
        seconds += r.seconds;
      }
      errors += failed;
      duplicates += r.duplicates;
      replays += interval.replays;
      observations += interval.observations;
      storedAcked += r.stored;
      roundsAcked += r.roundsAcked;
      certificatesAcked += r.certificatesAcked;
      samples.push(...r.failureSamples);
    }
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    waits = await sampler?.stop();
  }
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineCpu();
  const machineBusy = (machine1.busy - machine0.busy) / (machine1.total - machine0.total);
  for (const s of samples) console.log(`  failure: ${s}`);

  const lat = new Float64Array(all.reduce((n, a) => n + a.length, 0));
  let off = 0;
  for (const a of all) {
    lat.set(a, off);
    off += a.length;
  }
  lat.sort();

  // The store afterwards: exactly what was sent, once.
  const n = agents.length;
  const sent = warmups + intervals;
  const batches = sent * n;
  const expectState: Record<string, number> = { up: 0, degraded: 0, down: 0 };
  let expectEvents = 0;
  for (const a of agents) {
    const p = profileOf(a.index);
    if (p === 'healthy') expectState.up!++;
    else if (p === 'dead' && sent >= 3) expectState.down!++;
    else expectState.degraded!++;
    expectEvents += p === 'dead' && sent >= 3 ? 2 : 1;
  }
  const db = t.deps.uow.root;
  const count = (q: { n: number | string | bigint } | undefined) => Number(q?.n ?? 0);
  const stored = await db
    .selectFrom('report_batches')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('rounds').as('rounds'),
      eb.fn.sum<number>('certificates').as('certificates'),
    ])
    .executeTakeFirstOrThrow();
  const rounds = count(
    await db
      .selectFrom('link_rounds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  );
  const states = await db
    .selectFrom('link_status')
    .innerJoin('links', 'links.code', 'link_status.link_code')
    .where('links.link_class', '=', 'department')
    .select((eb) => ['link_status.state', eb.fn.countAll<number>().as('n')])
    .groupBy('link_status.state')
    .execute();
  const stateOf = (s: string) => Number(states.find((r) => r.state === s)?.n ?? 0);
  const events = count(
    await db
      .selectFrom('link_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  );
  const certificates = count(
    await db
      .selectFrom('certificates')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  );
  const sightings = count(
    await db
      .selectFrom('certificate_sightings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  );
  const reported = count(
    await db
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('config_revision', '=', 'bench-rev')
      .where('last_seen_at', '=', t.clock.now().toISOString())
      .executeTakeFirst(),
  );
  const check = (what: string, got: number, want: number) => ({ what, got, want, ok: got === want });
  const results = [
    check('errors', errors, 0),
    check('duplicates acknowledged (= replays sent)', duplicates, replays),
    check('batches acknowledged as stored', storedAcked, batches),
    check('rounds acknowledged', roundsAcked, batches),
    check('batches stored', count(stored), batches),
    check('rounds in stored batches', Number(stored.rounds), batches),
    check('rounds stored', rounds, batches),
    check('certificate observations stored', Number(stored.certificates), observations),
    check('certificate observations acknowledged', certificatesAcked, observations),
    check('certificates (leaves, CAs, root)', certificates, inventory.fingerprints.size),
    check('certificate sightings', sightings, inventory.sightings.size),
    check('department links UP', stateOf('up'), expectState.up!),
    check('department links DEGRADED', stateOf('degraded'), expectState.degraded!),
    check('department links DOWN', stateOf('down'), expectState.down!),
    check('department links UNKNOWN', stateOf('unknown'), 0),
    check('link state changes recorded', events, expectEvents),
    check('agents with last report recorded', reported, n),
  ];
  const ok = results.every((r) => r.ok);
  const checks = results.map(
    (r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.what}: ${r.got}${r.ok ? '' : ` (expected ${r.want})`}`,
  );
  console.log(
    `  console thread busy ${(elu.utilization * 100).toFixed(0)} % of the load; process CPU ` +
      `${((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)} cores (console + client thread); whole machine ` +
      `${(machineBusy * 100).toFixed(0)} % busy of ${cpus().length} cores`,
  );
  if (waits) {
    const total = Object.values(waits.waits).reduce((a, b) => a + b, 0);
    const top = Object.entries(waits.waits)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => `${k} ${(v / waits.samples).toFixed(2)}`)
      .join('; ');
    console.log(
      `  PostgreSQL backends of the console (mean over ${waits.samples} samples, ${(total / waits.samples).toFixed(1)} open): ${top}`,
    );
  }
  const requests = lat.length;
  return {
    name,
    agents: agents.length,
    requests,
    seconds,
    rps: requests / seconds,
    p50: pct(lat, 0.5),
    p95: pct(lat, 0.95),
    p99: pct(lat, 0.99),
    max: lat[lat.length - 1] ?? Number.NaN,
    intervalSeconds: perInterval,
    errors,
    duplicates,
    replays,
    checks,
    ok,
  };
}

async function main() {
  console.log(
    `agent ingest bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `${intervals} intervals measured after ${warmups} warm-up, ${concurrency} keep-alive connections, ${(replayShare * 100).toFixed(0)} % replays`,
  );
  const worker = new Worker(new URL(import.meta.url));
  const figures: StoreFigures[] = [];
  try {
    if (stores.includes('sqlite')) figures.push(await benchStore('SQLite', sqliteTestStore, worker));
    if (stores.includes('postgres')) {
      const why = await postgresUnreachable();
      if (why) console.log(`\nPostgreSQL: skipped, not reachable (${why})`);
      else figures.push(await benchStore('PostgreSQL', postgresTestStore, worker));
    }
  } finally {
    worker.postMessage('exit');
  }

  const f = (x: number, d = 1) => x.toFixed(d);
  console.log('\nAgent report ingest over HTTP (POST /api/v1/agents/reports, 1 round per batch)\n');
  for (const s of figures) {
    const slowest = Math.max(...s.intervalSeconds);
    console.log(
      `- ${s.name}: ${f(s.rps, 0)} reports/s (${s.requests}, replays included, in ${f(s.seconds, 2)} s); latency p50 ${f(s.p50, 1)} ms, ` +
        `p95 ${f(s.p95, 1)} ms, p99 ${f(s.p99, 1)} ms, max ${f(s.max, 0)} ms; over all ${warmups + intervals} ` +
        `intervals sent: errors ${s.errors}, duplicates acknowledged ${s.duplicates} of ${s.replays} replays`,
    );
    console.log(
      `  one interval of ${s.requests / intervals} reports (${s.agents} agents + replays) ingested in ` +
        `${s.intervalSeconds.map((x) => f(x, 2)).join(' / ')} s; slowest = ${f((slowest / intervalSeconds) * 100, 1)} % of ` +
        `${intervalSeconds} s, so about ${f((intervalSeconds / slowest) * s.agents, 0)} agents at this rate`,
    );
    console.log(`  store checked: ${s.ok ? 'consistent' : 'INCONSISTENT'}`);
    for (const c of s.checks) console.log(`    ${c}`);
    if (!s.ok) process.exitCode = 1;
  }
  const [lite, pgs] = figures;
  if (lite && pgs)
    console.log(
      `\nSQLite / PostgreSQL, same run: throughput ${f(lite.rps / pgs.rps, 2)}×, p50 latency ${f(lite.p50 / pgs.p50, 2)}×, ` +
        `p99 latency ${f(lite.p99 / pgs.p99, 2)}×`,
    );
}

if (isMainThread) await main();
