import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsoleStandIn } from '../agents/delivery/console-stand-in.ts';
import type { AgentConfig, Target } from '../core/contracts/agent.ts';
import type { ExtranetCertificates } from './cert-fixture.ts';
import { agentCommand } from '../agents/launch.ts';
import { freePort } from '../test/agent-process.ts';

export { freePort };

/**
 * What bench/agent-footprint.ts runs the agent among: the targets a console assigns, the local
 * TCP and HTTP servers they point at, agent processes started from a YAML file and a stored
 * credential, and the /proc readings (RSS, CPU of the process and of its fping children) the
 * figures are made of.
 */

export const repoRoot = resolve(import.meta.dirname, '..');
export const intervalSeconds = 30;
export const targetCounts = { icmp: 400, tcp: 50, http: 50 } as const;

/** Undo steps, run in reverse order at the end of the run, even after an error. */
export type Cleanups = (() => Promise<unknown>)[];

/**
 * What the console assigns the agent: only the rounds of assigned targets are pushed (a local
 * file's own targets feed /metrics alone), so the 500 targets and the certificate source come
 * from the console, as on a real site.
 */
export function assignedConfig(o: { tcpPort: number; httpPort: number; certs?: ExtranetCertificates }): AgentConfig {
  const common = { intervalSeconds, packets: 10, timeoutMs: 1000 };
  const targets: Target[] = [];
  // 127.0.0.0/8 answers on Linux: 400 distinct hosts, so fping really sends 4,000 echo requests a round.
  for (let i = 0; i < targetCounts.icmp; i++) {
    targets.push({ id: `I-${i}`, kind: 'icmp', host: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`, ...common });
  }
  for (let i = 0; i < targetCounts.tcp; i++) {
    targets.push({ id: `T-${i}`, kind: 'tcp', host: '127.0.0.1', port: o.tcpPort, ...common });
  }
  for (let i = 0; i < targetCounts.http; i++) {
    const url = `http://127.0.0.1:${o.httpPort}/site/${i}`;
    targets.push({ id: `H-${i}`, kind: 'http', url, insecureTls: false, ...common });
  }
  return {
    revision: 'bench-1',
    targets,
    certSources: o.certs ? [{ id: 'extranet-ca', kind: 'files', paths: [o.certs.dir], personal: false }] : [],
    trustAnchorsPem: o.certs?.anchorsPem ?? [],
    certScanSeconds: 3600,
  };
}

/** A TCP listener that accepts and closes, and an HTTP server answering 200: what the targets reach. */
export async function startLocalServers(cleanups: Cleanups): Promise<{ tcpPort: number; httpPort: number }> {
  const listen = async (server: TcpServer | HttpServer) => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise((done) => server.close(done)));
    return (server.address() as AddressInfo).port;
  };
  return {
    tcpPort: await listen(createTcpServer((socket) => socket.end())),
    httpPort: await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      }),
    ),
  };
}

/**
 * The agent's directory: agent.yaml naming the console and the /metrics port, and the credential
 * an earlier enrolment would have left (mode 0600), so the run starts as a restarted agent does.
 */
export async function writeAgentFiles(agentDir: string, standIn: ConsoleStandIn, metricsPort: number): Promise<string> {
  const credential = `agent-bench-${Math.random().toString(36).slice(2)}`;
  standIn.credentials.add(credential);
  const stateDir = join(agentDir, 'state');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFile(join(stateDir, 'credential'), `${credential}\n`, { mode: 0o600 });
  await chmod(join(stateDir, 'credential'), 0o600);
  const config = join(agentDir, 'agent.yaml');
  const yaml = [`console: { url: "${standIn.url}" }`, 'stateDir: state', `listen: "127.0.0.1:${metricsPort}"`, ''];
  await writeFile(config, yaml.join('\n'));
  return config;
}

export type RunningAgent = {
  child: ChildProcess;
  pid: number;
  log: ReturnType<typeof watchLog>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Rejects when the agent exits before `stop` is called. */
  failed: Promise<never>;
  /** SIGTERM, as an operator stops it. */
  stop(): void;
};

/**
 * Started as `npm run agent` starts it (agents/launch.ts), with extra Node options before its own,
 * from the repository root; resolves once it logs its start.
 */
export async function startAgent(
  name: string,
  config: string,
  nodeOptions: string[],
  cleanups: Cleanups,
): Promise<RunningAgent> {
  const launch = agentCommand(repoRoot, config);
  const child = spawn(launch.command, [...nodeOptions, ...launch.args], {
    cwd: repoRoot,
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let stopping = false;
  cleanups.push(async () => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Cut short (an error, ^C): its fping children go too, rather than run out their round orphaned.
    for (const fping of childPids(child.pid!)) {
      try {
        process.kill(fping, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child.kill('SIGKILL');
    await exited;
  });
  const log = watchLog(child);
  const failed = exited.then(({ code, signal }) => {
    if (stopping) return new Promise<never>(() => {});
    throw new Error(`the ${name} exited (${code ?? signal}) before the run ended:\n${log.tail.join('\n')}`);
  });
  failed.catch(() => {});
  const giveUp = new AbortController();
  const timeout = sleep(30_000, undefined, { signal: giveUp.signal }).then(() => {
    throw new Error(`the ${name} did not start in 30 s:\n${log.tail.join('\n')}`);
  });
  timeout.catch(() => {});
  try {
    await Promise.race([log.started, failed, timeout]);
  } finally {
    giveUp.abort();
  }
  const stop = () => {
    stopping = true;
    child.kill('SIGTERM');
  };
  return { child, pid: child.pid!, log, exited, failed, stop };
}

/** The agent's JSON log, tallied by level, message and probe kind; the last lines kept for a failure report. */
function watchLog(child: ChildProcess) {
  const tally = new Map<string, number>();
  const tail: string[] = [];
  let bytes = 0;
  let started: (compileCache: string) => void = () => {};
  const startedPromise = new Promise<string>((done) => (started = done));
  let rest = '';
  const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
  const take = (chunk: Buffer) => {
    bytes += chunk.length;
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      try {
        const entry = JSON.parse(line) as { level: string; msg: string; kind?: string; compileCache?: string };
        count(`${entry.level}: ${entry.msg}${entry.kind ? ` (${entry.kind})` : ''}`);
        if (entry.msg === 'agent started') started(entry.compileCache ?? 'unknown');
      } catch {
        count(`(not JSON) ${line.slice(0, 80)}`);
      }
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return { tally, tail, bytes: () => bytes, started: startedPromise };
}

/** The agent's /metrics, as Prometheus scrapes it, and how long the answer took. */
export async function scrape(metricsPort: number): Promise<{ text: string; ms: number }> {
  const t0 = performance.now();
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return { text, ms: performance.now() - t0 };
}

/** One sample's value from an exposition; `labels` exactly as printed (`space="new"`), or any. */
export function metricValue(text: string, name: string, labels = ''): number | undefined {
  const labelPattern = labels ? `\\{${labels}\\}` : '(?:\\{[^}]*\\})?';
  const match = new RegExp(`^${name}${labelPattern} ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

// ---- /proc ---------------------------------------------------------------------------------

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

type CpuTicks = { self: number; children: number };
type Sample = { at: number; rssKiB: number; childRssKiB: number; cpu: CpuTicks };

/** A process sampled once a second from /proc while the window runs. */
export type Measured = { what: string; pid: number; samples: Sample[] };

export function sample(m: Measured, at: number): void {
  m.samples.push({ at, rssKiB: statusKiB(m.pid, 'VmRSS'), childRssKiB: childrenRssKiB(m.pid), cpu: cpuTicks(m.pid) });
}

/** RSS in MiB, CPU in % of one core, over the samples taken. */
export function figures(m: Measured) {
  const first = m.samples[0]!;
  const last = m.samples.at(-1)!;
  const seconds = (last.at - first.at) / 1000;
  const percentOfCore = (ticks: number, over: number) => (100 * ticks) / clockTicks / over;
  // Busiest stretch: CPU over each 5 s (a slot's fping and its results arrive together).
  let busiest = 0;
  for (let i = 5; i < m.samples.length; i++) {
    const [a, b] = [m.samples[i - 5]!, m.samples[i]!];
    busiest = Math.max(busiest, percentOfCore(b.cpu.self - a.cpu.self, (b.at - a.at) / 1000));
  }
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const rss = m.samples.map((s) => s.rssKiB / 1024);
  const childRss = m.samples.map((s) => s.childRssKiB / 1024);
  const withChildren = m.samples.map((s) => (s.rssKiB + s.childRssKiB) / 1024);
  return {
    seconds,
    cpu: percentOfCore(last.cpu.self - first.cpu.self, seconds),
    childCpu: percentOfCore(last.cpu.children - first.cpu.children, seconds),
    busiest,
    rssMean: mean(rss),
    rssPeak: Math.max(...rss),
    childRssMean: mean(childRss),
    childRssPeak: Math.max(...childRss),
    withChildrenMean: mean(withChildren),
    withChildrenPeak: Math.max(...withChildren),
  };
}

/** utime+stime of the process, and of its children: reaped (cutime+cstime) plus those still running. */
function cpuTicks(pid: number): CpuTicks {
  const [utime, stime, cutime, cstime] = statFields(pid).slice(11, 15).map(Number) as [number, number, number, number];
  const running = childPids(pid).reduce((sum, child) => {
    try {
      const fields = statFields(child);
      return sum + Number(fields[11]) + Number(fields[12]);
    } catch {
      return sum; // exited between the listing and the read; its time is in cutime once reaped
    }
  }, 0);
  return { self: utime + stime, children: cutime + cstime + running };
}

/** Fields of /proc/<pid>/stat after the command name, so field 3 (state) is index 0. */
function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) pids.push(...text.split(' ').map(Number));
    } catch {
      // a thread that ended while listed
    }
  }
  return pids;
}

/**
 * A first start as `npm run agent` makes it, cut short by a missing configuration file once every
 * module is loaded: it fills the compile cache, so the measured agents start as every later start
 * does (agents/launch.ts).
 */
export function fillCompileCache(): void {
  const launch = agentCommand(repoRoot, join(repoRoot, 'bench', 'no-such-agent.yaml'));
  spawnSync(launch.command, launch.args, { cwd: repoRoot, env: launch.env, stdio: 'ignore' });
}

export function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile'): number {
  const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

/** RSS of the fping children; a child between fork and exec still shows the agent's pages, and is skipped. */
function childrenRssKiB(pid: number): number {
  return childPids(pid).reduce((sum, child) => {
    try {
      return readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'fping' ? sum + statusKiB(child, 'VmRSS') : sum;
    } catch {
      return sum;
    }
  }, 0);
}
