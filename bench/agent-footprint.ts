import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startConsoleStandIn, type ConsoleStandIn } from '../agents/delivery/console-stand-in.ts';
import {
  assignedConfig,
  figures,
  freePort,
  intervalSeconds,
  metricValue,
  repoRoot,
  sample,
  scrape,
  fillCompileCache,
  startAgent,
  startLocalServers,
  statusKiB,
  targetCounts as counts,
  writeAgentFiles,
  type Cleanups,
  type Measured,
} from './agent-footprint-fixture.ts';
import { extranetCertificates } from './cert-fixture.ts';

/**
 * The site agent's footprint while it measures 500 targets every 30 s: 400 ICMP (distinct loopback
 * addresses, one fping per slot), 50 TCP to a local listener, 50 HTTP to a local server, 10
 * packets or attempts each, plus a files certificate source of a few hundred certificates. The
 * real agent process (agents/main.ts) gets them from the console stand-in, with a pre-placed
 * credential; after a warm-up of one interval its RSS and CPU are sampled from /proc, the agent
 * alone and with its fping children, and the stand-in confirms that rounds arrive at 500 per
 * interval. Prometheus' scrapes of /metrics are imitated every 15 s. Side by side, in the same
 * window, the floors the loaded figure stands on: the same agent with nothing assigned, an empty
 * Node process, one that has run a .ts file (its type stripper loaded) and one serving HTTP. The agents
 * start as `npm run agent` starts them (agents/launch.ts), after a first start has filled the compile
 * cache. Verdict against the
 * agent's limits: 60 MiB RSS and 5 % of one core.
 *
 * BENCH_AGENT_SECONDS (measured, default 90), BENCH_AGENT_WARMUP_SECONDS (default 30),
 * BENCH_AGENT_CERTS (leaf certificates in the source, default 300, 0 for none),
 * BENCH_AGENT_SCRAPE_SECONDS (default 15, 0 for no scrapes), BENCH_AGENT_NODE_OPTIONS (extra Node
 * flags for both agents, e.g. "--optimize-for-size"), BENCH_AGENT_PROFILE=cpu (the loaded
 * agent under --cpu-prof: where its time went in the window) or =heap (a heap snapshot at the end
 * of the window: what its V8 heap holds).
 */
const measureSeconds = Number(process.env.BENCH_AGENT_SECONDS ?? 90);
const warmupSeconds = Number(process.env.BENCH_AGENT_WARMUP_SECONDS ?? 30);
const certificateLeafs = Number(process.env.BENCH_AGENT_CERTS ?? 300);
const scrapeSeconds = Number(process.env.BENCH_AGENT_SCRAPE_SECONDS ?? 15);
const profile = process.env.BENCH_AGENT_PROFILE;
const extraNodeOptions = (process.env.BENCH_AGENT_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);

const targetsTotal = counts.icmp + counts.tcp + counts.http;
const limits = { rssMiB: 60, cpuPercent: 5 };

const cleanups: Cleanups = [];
let cleaning: Promise<void> | undefined;
/** Once, however many ways the run ends (done, error, ^C). */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) await step().catch((e: unknown) => console.warn(String(e)));
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

// ---- the CPU profile -----------------------------------------------------------------------

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

/** Self time of the samples taken during the measured window, by function and by file or package. */
function summariseProfile(profileJson: CpuProfile, fromUs: number, toUs: number): string {
  const byId = new Map(profileJson.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let t = profileJson.startTime;
  let total = 0;
  let idle = 0;
  profileJson.samples.forEach((id, i) => {
    t += profileJson.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) return;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idle++;
      return;
    }
    total++;
    const place = placeOf(url);
    const fn = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
    byPlace.set(place || functionName, (byPlace.get(place || functionName) ?? 0) + 1);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([what, samples]) => `    ${((100 * samples) / Math.max(1, total)).toFixed(1).padStart(5)} %  ${what}`)
      .join('\n');
  return [
    `  ${total} busy samples in the window (${idle} idle); self time, share of busy samples`,
    '  by file or package:',
    top(byPlace, 12),
    '  by function:',
    top(byFunction, 20),
  ].join('\n');
}

function placeOf(url: string): string {
  if (!url) return '';
  if (url.startsWith('node:')) return url;
  const path = url.replace(/^file:\/\//, '');
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return packageMatch ? packageMatch[1]! : relative(repoRoot, path);
}

// ---- the heap snapshot ---------------------------------------------------------------------

type HeapSnapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
};

/** Self size by constructor (objects) or by kind (strings, code, arrays…): what the heap is made of. */
function summariseHeap(heap: HeapSnapshot): string {
  const fields = heap.snapshot.meta.node_fields;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [
    number,
    number,
    number,
  ];
  const types = heap.snapshot.meta.node_types[0];
  const groups = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt]!] ?? '?';
    const name = heap.strings[heap.nodes[i + nameAt]!] ?? '';
    const key = type === 'object' || type === 'native' ? name : type.includes('string') ? '(strings)' : `(${type})`;
    const bytes = heap.nodes[i + sizeAt]!;
    total += bytes;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += bytes;
    groups.set(key, group);
  }
  const rows = [...groups]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 20)
    .map(([what, g]) => [
      what.slice(0, 70),
      String(g.count),
      f(g.bytes / 2 ** 20, 2),
      `${f((100 * g.bytes) / total, 1)} %`,
    ]);
  // The largest strings say which text the heap keeps (module sources, an exposition, a batch).
  const largest: { bytes: number; text: string }[] = [];
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt]!] ?? '';
    if (type !== 'string' || heap.nodes[i + sizeAt]! < 64 * 1024) continue;
    largest.push({ bytes: heap.nodes[i + sizeAt]!, text: heap.strings[heap.nodes[i + nameAt]!] ?? '' });
  }
  largest.sort((a, b) => b.bytes - a.bytes);
  const preview = (text: string) => JSON.stringify(text.slice(0, 60).replace(/\s+/g, ' '));
  return [
    `  ${f(total / 2 ** 20, 1)} MiB in the snapshot; self size by constructor or kind\n`,
    table(['', 'count', 'MiB', 'share'], rows),
    `\n  Strings of 64 KiB or more: ${largest.length}, ${f(largest.reduce((n, s) => n + s.bytes, 0) / 2 ** 20, 2)} MiB; the largest:`,
    ...largest.slice(0, 8).map((s) => `    ${f(s.bytes / 1024, 0).padStart(6)} KiB  ${preview(s.text)}`),
  ].join('\n');
}

// ---- the run -------------------------------------------------------------------------------

const f = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The V8 heap as the agent's own metrics describe it: used of committed, by space, and memory outside it. */
function heapLine(text: string): string {
  const mibOf = (name: string, labels = '') => f((metricValue(text, name, labels) ?? NaN) / 2 ** 20);
  const space = (name: string) =>
    `${name} ${mibOf('nodejs_heap_space_size_used_bytes', `space="${name}"`)}/` +
    `${mibOf('nodejs_heap_space_size_total_bytes', `space="${name}"`)}`;
  return (
    `V8 heap used ${mibOf('nodejs_heap_size_used_bytes')} of ${mibOf('nodejs_heap_size_total_bytes')} MiB ` +
    `committed (${['new', 'old', 'code', 'large_object'].map(space).join(', ')}), ` +
    `external ${mibOf('nodejs_external_memory_bytes')} MiB`
  );
}

function postStatuses(standIn: ConsoleStandIn): string {
  const byStatus = new Map<number, number>();
  for (const post of standIn.posts) byStatus.set(post.status, (byStatus.get(post.status) ?? 0) + 1);
  return [...byStatus].map(([status, n]) => `${status} × ${n}`).join(', ') || 'none';
}

async function main(): Promise<void> {
  console.log(
    `agent-footprint bench: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${new Date().toISOString()}`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'govops-agent-footprint-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));

  const certs =
    certificateLeafs > 0 ? await extranetCertificates({ leafs: certificateLeafs, log: console.log }) : undefined;

  const { tcpPort, httpPort } = await startLocalServers(cleanups);
  // One stand-in assigns the 500 targets; the other assigns nothing, to the idle agent (the floor).
  const standIn: ConsoleStandIn = await startConsoleStandIn({ maxBodyBytes: 16 * 1024 * 1024 });
  cleanups.push(() => standIn.stop());
  standIn.config = assignedConfig({ tcpPort, httpPort, certs });
  standIn.etag = '"bench-1"';
  const idleStandIn = await startConsoleStandIn();
  cleanups.push(() => idleStandIn.stop());
  const metricsPort = await freePort();
  const idleMetricsPort = await freePort();
  const loadedConfig = await writeAgentFiles(join(dir, 'loaded'), standIn, metricsPort);
  const idleConfig = await writeAgentFiles(join(dir, 'idle'), idleStandIn, idleMetricsPort);

  const profileDir = join(dir, 'profile');
  await mkdir(profileDir);
  const profileOptions =
    profile === 'cpu'
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
      : profile === 'heap'
        ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${profileDir}`]
        : [];
  // More floors: Node itself, Node once it has loaded its TypeScript stripper for one .ts file (what
  // every agent start without a warm compile cache carries), and Node serving HTTP on a port, the
  // least a process answering Prometheus' scrapes can be.
  const emptyTs = join(dir, 'empty.ts');
  await writeFile(emptyTs, 'const forever: number = 1 << 30;\nsetInterval(() => {}, forever);\n');
  const floor = (args: string[]) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    cleanups.push(async () => void child.kill('SIGKILL'));
    return child;
  };
  const emptyNode = floor(['-e', 'setInterval(() => {}, 1 << 30)']);
  const emptyNodeTs = floor([emptyTs]);
  const httpNode = floor(['-e', "require('node:http').createServer((q, s) => s.end()).listen(0, '127.0.0.1')"]);
  fillCompileCache();
  const idle = await startAgent('idle agent', idleConfig, extraNodeOptions, cleanups);
  const spawnedAt = performance.now();
  const loaded = await startAgent('agent', loadedConfig, [...extraNodeOptions, ...profileOptions], cleanups);
  console.log(
    `agent pid ${loaded.pid} started in ${f(performance.now() - spawnedAt, 0)} ms, compile cache ` +
      `${await loaded.log.started} (idle agent pid ${idle.pid}); ` +
      `warming up for ${warmupSeconds} s, then measuring for ${measureSeconds} s ` +
      `(${f(measureSeconds / intervalSeconds, 1)} intervals)…`,
  );
  const failed = Promise.race([loaded.failed, idle.failed]);

  let scrapes = 0;
  let scrapeMs = 0;
  const scraper =
    scrapeSeconds > 0
      ? setInterval(() => {
          scrape(metricsPort).then(
            (s) => {
              scrapes++;
              scrapeMs += s.ms;
            },
            () => {},
          );
        }, scrapeSeconds * 1000)
      : undefined;
  cleanups.push(async () => clearInterval(scraper));

  await Promise.race([sleep(warmupSeconds * 1000), failed]);
  const measured: Measured[] = [
    { what: 'agent, 500 targets', pid: loaded.pid, samples: [] },
    { what: 'agent, nothing to do', pid: idle.pid, samples: [] },
    { what: 'empty Node process', pid: emptyNode.pid!, samples: [] },
    { what: 'empty Node process, one .ts file', pid: emptyNodeTs.pid!, samples: [] },
    { what: 'Node serving HTTP', pid: httpNode.pid!, samples: [] },
  ];
  const roundsStored = () => standIn.stored.reduce((n, batch) => n + batch.rounds.length, 0);
  const window = { startedAt: performance.now(), batchesAtStart: standIn.stored.length, roundsAtStart: roundsStored() };
  for (const m of measured) sample(m, window.startedAt);
  let endedAt = window.startedAt;
  while (endedAt - window.startedAt < measureSeconds * 1000) {
    await Promise.race([sleep(1000), failed]);
    endedAt = performance.now();
    for (const m of measured) sample(m, endedAt);
  }
  const windowBatches = standIn.stored.slice(window.batchesAtStart);
  const roundsInWindow = roundsStored() - window.roundsAtStart;
  const lifetimePeakKiB = statusKiB(loaded.pid, 'VmHWM');
  const loadedSplit = { anon: statusKiB(loaded.pid, 'RssAnon'), file: statusKiB(loaded.pid, 'RssFile') };
  const httpNodeSplit = { anon: statusKiB(httpNode.pid!, 'RssAnon'), file: statusKiB(httpNode.pid!, 'RssFile') };
  const idleLifetimePeakKiB = statusKiB(idle.pid, 'VmHWM');
  clearInterval(scraper);
  const metrics = await scrape(metricsPort).catch(() => ({ text: '', ms: NaN }));
  const idleMetrics = await scrape(idleMetricsPort).catch(() => ({ text: '', ms: NaN }));

  let heapSummary: string | undefined;
  if (profile === 'heap') {
    console.log('taking a heap snapshot of the agent…');
    loaded.child.kill('SIGUSR2');
    heapSummary = await readHeapSnapshot(profileDir);
  }

  // Stop as an operator would; the spool then holds what was not yet pushed.
  const stopAt = performance.now();
  loaded.stop();
  idle.stop();
  const exit = await Promise.race([loaded.exited, sleep(20_000).then(() => undefined)]);
  const stopMs = performance.now() - stopAt;
  await Promise.race([idle.exited, sleep(5_000)]);

  // ---- figures ----
  type Figures = ReturnType<typeof figures>;
  const [agent, idleAgent, node, nodeTs, nodeHttp] = measured.map(figures) as [
    Figures,
    Figures,
    Figures,
    Figures,
    Figures,
  ];
  const intervals = agent.seconds / intervalSeconds;
  const windowRounds = windowBatches.flatMap((batch) => batch.rounds);
  const seenTargets = new Set(windowRounds.map((r) => r.targetId));
  const ofKind = (kind: string) => windowRounds.filter((r) => r.kind === kind);
  const failing = (kind: string) => ofKind(kind).filter((r) => r.received < r.sent).length;
  const certificatesStored = standIn.stored.reduce((n, batch) => n + batch.certificates.length, 0);

  console.log(
    `\nAgent footprint: ${targetsTotal} targets (${counts.icmp} ICMP, ${counts.tcp} TCP, ${counts.http} HTTP), ` +
      `every ${intervalSeconds} s, 10 packets/attempts each` +
      (certs
        ? `, one files source of ${certs.manifest.certificates} certificates (scanned at start, then hourly)`
        : '') +
      `; ${f(agent.seconds, 0)} s measured after ${warmupSeconds} s of warm-up` +
      (scrapeSeconds > 0 ? `; /metrics scraped every ${scrapeSeconds} s` : '') +
      (extraNodeOptions.length ? `; agents run with ${extraNodeOptions.join(' ')}` : '') +
      (profile ? `; UNDER ${profile.toUpperCase()} PROFILING (figures inflated)` : '') +
      '\n',
  );
  const row = (what: string, rssMean: number, rssPeak: number, cpu: number, busiest?: number) => [
    what,
    f(rssMean),
    f(rssPeak),
    f(cpu, 2),
    busiest === undefined ? '' : f(busiest, 1),
  ];
  console.log(
    table(
      ['', 'RSS mean MiB', 'RSS peak MiB', 'CPU % of one core', 'busiest 5 s %'],
      [
        row('agent, 500 targets', agent.rssMean, agent.rssPeak, agent.cpu, agent.busiest),
        row('  + its fping children', agent.withChildrenMean, agent.withChildrenPeak, agent.cpu + agent.childCpu),
        row('  fping children alone', agent.childRssMean, agent.childRssPeak, agent.childCpu),
        row('agent, nothing to do (floor)', idleAgent.rssMean, idleAgent.rssPeak, idleAgent.cpu, idleAgent.busiest),
        row('Node serving HTTP (floor)', nodeHttp.rssMean, nodeHttp.rssPeak, nodeHttp.cpu),
        row('empty Node process, one .ts file', nodeTs.rssMean, nodeTs.rssPeak, nodeTs.cpu),
        row('empty Node process', node.rssMean, node.rssPeak, node.cpu),
        ['limit', String(limits.rssMiB), String(limits.rssMiB), String(limits.cpuPercent), ''],
      ],
    ),
  );
  console.log(
    `\nOf the loaded agent's mean RSS, ${f((100 * idleAgent.rssMean) / agent.rssMean, 0)} % is the idle agent's ` +
      `(${f(idleAgent.rssMean / node.rssMean, 2)}× an empty Node process: Node ${f(node.rssMean)} MiB, serving ` +
      `HTTP ${f(nodeHttp.rssMean - node.rssMean)} MiB more, the agent's modules and state ` +
      `${f(idleAgent.rssMean - nodeHttp.rssMean)} MiB; without the compile cache the TypeScript stripper would add ` +
      `${f(nodeTs.rssMean - node.rssMean)} MiB); the 500 targets add ${f(agent.rssMean - idleAgent.rssMean)} MiB. ` +
      `At the end the agent's RSS was ${f(loadedSplit.anon / 1024)} MiB anonymous (its own) and ` +
      `${f(loadedSplit.file / 1024)} MiB file-backed (Node's code pages, shared with other Node processes and ` +
      `reclaimable); Node serving HTTP: ${f(httpNodeSplit.anon / 1024)} + ${f(httpNodeSplit.file / 1024)} MiB. ` +
      `Lifetime peaks (VmHWM, start-up and first certificate scan included): agent ${f(lifetimePeakKiB / 1024)} MiB, ` +
      `idle agent ${f(idleLifetimePeakKiB / 1024)} MiB.`,
  );
  const lag = metricValue(metrics.text, 'nodejs_eventloop_lag_p99_seconds');
  console.log(
    `From /metrics at the end: agent: ${heapLine(metrics.text)}; event-loop lag p99 ${f((lag ?? NaN) * 1000, 1)} ms.\n` +
      `  Idle agent: ${heapLine(idleMetrics.text)}.\n` +
      `  The agent's exposition is ${f(metrics.text.length / 1024, 0)} KiB` +
      (scrapes ? `; ${scrapes} scrapes during the run took ${f(scrapeMs / scrapes, 1)} ms each on average` : '') +
      '.',
  );
  const perInterval = roundsInWindow / intervals;
  const working = Math.abs(perInterval - targetsTotal) <= targetsTotal * 0.05 && seenTargets.size === targetsTotal;
  console.log(
    `Delivery (console stand-in): ${roundsInWindow} rounds stored in the window = ${f(perInterval, 0)} per ` +
      `${intervalSeconds} s interval (expected ${targetsTotal}); ${seenTargets.size} of ${targetsTotal} targets reported; ` +
      `rounds with loss or failed attempts: ICMP ${failing('icmp')}/${ofKind('icmp').length}, ` +
      `TCP ${failing('tcp')}/${ofKind('tcp').length}, HTTP ${failing('http')}/${ofKind('http').length}` +
      (certs
        ? `; certificate observations stored ${certificatesStored} (source holds ${certs.manifest.certificates})`
        : '') +
      `; report POSTs answered ${postStatuses(standIn)}; agent log ${f(loaded.log.bytes() / 1024, 0)} KiB.`,
  );
  const notable = [...loaded.log.tally].filter(([key]) => !key.startsWith('info: ') && !key.startsWith('debug: '));
  if (notable.length) console.log(`Agent warnings and errors: ${notable.map(([k, n]) => `${n} × ${k}`).join('; ')}`);
  console.log(
    `Stop: SIGTERM answered in ${f(stopMs, 0)} ms, ` +
      (exit ? `exit code ${exit.code ?? exit.signal}` : 'no exit within 20 s (killed)') +
      '.',
  );

  const verdicts = [
    agent.rssPeak <= limits.rssMiB
      ? `RSS within the limit (peak ${f(agent.rssPeak)} MiB ≤ ${limits.rssMiB} MiB)`
      : `RSS OVER the limit: peak ${f(agent.rssPeak)} MiB, ${f(agent.rssPeak - limits.rssMiB)} MiB ` +
        `(${f((100 * (agent.rssPeak - limits.rssMiB)) / limits.rssMiB, 0)} %) above ${limits.rssMiB} MiB, ` +
        `mean ${f(agent.rssMean)} MiB; the idle agent alone is ${f(idleAgent.rssMean)} MiB`,
    agent.cpu <= limits.cpuPercent
      ? `CPU within the limit (agent ${f(agent.cpu, 2)} % ≤ ${limits.cpuPercent} %, ` +
        `with fping ${f(agent.cpu + agent.childCpu, 2)} %)`
      : `CPU OVER the limit: agent ${f(agent.cpu, 2)} % of one core, ${f(agent.cpu / limits.cpuPercent, 1)}× the ` +
        `${limits.cpuPercent} % limit (with fping ${f(agent.cpu + agent.childCpu, 2)} %)`,
  ];
  if (lifetimePeakKiB / 1024 > limits.rssMiB && agent.rssPeak <= limits.rssMiB) {
    verdicts.push(`but the lifetime peak (${f(lifetimePeakKiB / 1024)} MiB, start-up and certificate scan) is over`);
  }
  console.log(`\nVerdict: ${verdicts.join('; ')}.`);
  if (!working) {
    console.log(
      'WARNING: the agent did not deliver ~500 rounds per interval: these figures are not of a working agent.',
    );
    process.exitCode = 1;
  }

  if (profile === 'cpu') {
    await loaded.exited;
    const file = (await readdir(profileDir).catch(() => [])).find((name) => name.endsWith('.cpuprofile'));
    if (!file) console.log('\nno CPU profile was written (the agent did not exit cleanly)');
    else {
      const data = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as CpuProfile;
      // The profile's clock starts with the process; the window is placed by time since spawn.
      const fromUs = data.startTime + (window.startedAt - spawnedAt) * 1000;
      const toUs = data.startTime + (endedAt - spawnedAt) * 1000;
      console.log(`\nCPU profile of the agent during the measured window\n${summariseProfile(data, fromUs, toUs)}`);
    }
  } else if (heapSummary) {
    console.log(`\nHeap snapshot of the agent at the end of the window\n${heapSummary}`);
  } else if (agent.cpu > limits.cpuPercent || agent.rssPeak > limits.rssMiB) {
    console.log('Rerun with BENCH_AGENT_PROFILE=cpu or =heap to see where the agent spends its time or memory.');
  }
}

/** Waits for the snapshot the agent writes on SIGUSR2 (it is complete when its size stops changing). */
async function readHeapSnapshot(profileDir: string): Promise<string> {
  let last = -1;
  for (let waited = 0; waited < 60; waited++) {
    await sleep(1000);
    const file = (await readdir(profileDir).catch(() => [])).find((name) => name.endsWith('.heapsnapshot'));
    if (!file) continue;
    const size = (await readFile(join(profileDir, file))).length;
    if (size > 0 && size === last) {
      return summariseHeap(JSON.parse(await readFile(join(profileDir, file), 'utf8')) as HeapSnapshot);
    }
    last = size;
  }
  return '  no heap snapshot was written within 60 s';
}

try {
  await main();
} finally {
  await cleanUp();
}
