import { spawn } from 'node:child_process';
import type { LinkRound, Target } from '../../core/contracts/agent.ts';
import { packetSpacingMs, roundStats } from '../../core/link-round-stats.ts';
import type { Probe } from './probe.ts';

/**
 * ICMP rounds through fping: one process per round for every target that shares the same packet
 * count, timeout and period, so a site with hundreds of links costs a handful of processes and
 * no raw sockets in Node. `fping -C N -q` prints one line per target on stderr when it is done:
 * `host : 0.05 0.04 - 0.06`, one field per packet, `-` for a lost one.
 */

type IcmpTarget = Extract<Target, { kind: 'icmp' }>;

/** Per host as fping printed it, one entry per packet sent; null is a lost packet. */
export type FpingCounts = Map<string, (number | null)[]>;

/** `host : values` — fping pads the host column with spaces; IPv6 hosts contain colons themselves. */
const countLine = /^(\S+)\s+:\s*(.*)$/;
const rttField = /^\d+(?:\.\d+)?$/;

/**
 * Reads the per-packet summary that `fping -C` prints. Lines that are not a result (warnings,
 * ICMP errors, blank lines) are skipped; a host listed twice keeps its first line.
 */
export function parseFpingCounts(output: string): FpingCounts {
  const counts: FpingCounts = new Map();
  for (const line of output.split('\n')) {
    const match = countLine.exec(line.trim());
    if (!match) continue;
    const [, host, rest] = match as unknown as [string, string, string];
    const fields = rest.split(/\s+/).filter((field) => field !== '');
    if (fields.length === 0 || !fields.every((field) => field === '-' || rttField.test(field))) continue;
    if (!counts.has(host))
      counts.set(
        host,
        fields.map((field) => (field === '-' ? null : Number(field))),
      );
  }
  return counts;
}

export type IcmpProbeOptions = {
  /** The fping binary; found on PATH by default. */
  fpingPath?: string;
  /** Fixed time between packets to one target; by default derived from the target's interval. */
  periodMs?: number;
  /** Time allowed beyond the round's own duration before fping is killed (default 5 s). */
  deadlineSlackMs?: number;
};

type FpingRun = { output: string; exitCode: number | null; timedOut: boolean };

/** fping's default gap between any two packets it sends (`-i`), which stretches rounds of many hosts. */
const fpingSendIntervalMs = 10;
/** Room for process start-up and name resolution on top of the round's own duration. */
const defaultDeadlineSlackMs = 5000;
/** 100 packets × 5000 targets stays well under this; anything beyond is not fping talking. */
const maxOutputBytes = 8 * 1024 * 1024;

type FpingRequest = { hosts: readonly string[]; packets: number; periodMs: number; timeoutMs: number };

function runFping(fpingPath: string, request: FpingRequest, deadlineSlackMs: number): Promise<FpingRun> {
  const { hosts, packets, periodMs, timeoutMs } = request;
  // -B1 -r0: no backoff, no retries; every lost packet is counted, never hidden by a resend.
  const args = ['-C', `${packets}`, '-p', `${periodMs}`, '-t', `${timeoutMs}`, '-q', '-B1', '-r0'];
  const cycleMs = Math.max(periodMs, hosts.length * fpingSendIntervalMs);
  const deadlineMs = packets * cycleMs + timeoutMs + deadlineSlackMs;
  return new Promise((resolve, reject) => {
    // `--` so a configured host such as `-f` can never be read as an option.
    const child = spawn(fpingPath, [...args, '--', ...hosts], { stdio: ['ignore', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.stderr.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= maxOutputBytes) chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = error.code === 'ENOENT' ? `${fpingPath} not found (install the fping package)` : error.message;
      reject(new Error(`cannot run fping: ${reason}`, { cause: error }));
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ output: Buffer.concat(chunks).toString('utf8'), exitCode, timedOut });
    });
  });
}

/** fping exits 1 when some host did not answer and 2 when some name did not resolve: both are results. */
function isFpingFailure(run: FpingRun): boolean {
  return !run.timedOut && run.exitCode !== 0 && run.exitCode !== 1 && run.exitCode !== 2;
}

function missingHostError(run: FpingRun): string {
  if (run.timedOut) return 'fping did not finish in time';
  // With -q fping names no unresolvable host; exit code 2 is how it says some were.
  return run.exitCode === 2 ? 'host not resolved' : 'no result from fping';
}

/** Exactly `packets` entries: fping always prints that many, but a short line must not shrink `sent`. */
function fitToPackets(rtts: readonly (number | null)[], packets: number): (number | null)[] {
  return Array.from({ length: packets }, (_, i) => rtts[i] ?? null);
}

function groupKey(target: IcmpTarget, periodMs: number): string {
  return `${target.packets}/${target.timeoutMs}/${periodMs}`;
}

/** The ICMP probe; options are for tests and unusual installs. */
export function createIcmpProbe(options: IcmpProbeOptions = {}): Probe<'icmp'> {
  const fpingPath = options.fpingPath ?? 'fping';
  const deadlineSlackMs = options.deadlineSlackMs ?? defaultDeadlineSlackMs;
  const periodOf = (target: IcmpTarget) => options.periodMs ?? packetSpacingMs(target.intervalSeconds, target.packets);

  async function runGroup(targets: readonly IcmpTarget[], now: () => Date): Promise<LinkRound[]> {
    const { packets, timeoutMs } = targets[0]!;
    const periodMs = periodOf(targets[0]!);
    // Two links to the same host with the same settings share one fping entry.
    const hosts = [...new Set(targets.map((target) => target.host))];
    const startedAt = now().toISOString();
    const run = await runFping(fpingPath, { hosts, packets, periodMs, timeoutMs }, deadlineSlackMs);
    if (isFpingFailure(run)) {
      const firstLine = run.output.trim().split('\n')[0]?.slice(0, 150) ?? '';
      throw new Error(`fping failed with exit code ${run.exitCode}: ${firstLine}`);
    }
    const counts = run.timedOut ? new Map<string, (number | null)[]>() : parseFpingCounts(run.output);
    return targets.map((target) => {
      const printed = counts.get(target.host);
      const stats = roundStats(fitToPackets(printed ?? [], packets));
      const error = printed === undefined ? missingHostError(run) : stats.received === 0 ? 'no reply' : undefined;
      return { targetId: target.id, kind: 'icmp', startedAt, ...stats, ...(error ? { error } : {}) };
    });
  }

  return {
    kind: 'icmp',
    async runRound(targets, now) {
      const groups = new Map<string, IcmpTarget[]>();
      for (const target of targets) {
        const key = groupKey(target, periodOf(target));
        const group = groups.get(key);
        if (group) group.push(target);
        else groups.set(key, [target]);
      }
      const results = await Promise.all([...groups.values()].map((group) => runGroup(group, now)));
      // The Probe contract returns rounds in the order of the targets given.
      const byTarget = new Map<IcmpTarget, LinkRound>();
      [...groups.values()].forEach((group, g) => group.forEach((target, i) => byTarget.set(target, results[g]![i]!)));
      return targets.map((target) => byTarget.get(target)!);
    },
  };
}

/** The ICMP probe the agent runs: fping from PATH, period derived from each target's interval. */
export const icmpProbe = createIcmpProbe();
