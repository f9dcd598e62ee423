import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LinkRound, Target } from '../../core/contracts/agent.ts';
import { packetSpacingMs, roundStats } from '../../core/link-round-stats.ts';
import type { Probe } from './probe.ts';

/**
 * TCP rounds: N connects per target, one after another and evenly spaced, the RTT of each being
 * the time the handshake took. The name is resolved once per round, before the first attempt,
 * so DNS latency never counts as link latency.
 */

type TcpTarget = Extract<Target, { kind: 'tcp' }>;

/** One attempt: how long it took, or why it counts as lost. */
export type AttemptResult = { rttMs: number } | { error: string };

const messagesByCode: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ENOTFOUND: 'host not resolved',
  EAI_AGAIN: 'name resolution failed (temporary)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate name mismatch',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate not trusted',
};

/** A short, human reason for a failed connect, TLS handshake or HTTP exchange, for the round's `error`. */
export function socketErrorMessage(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code in messagesByCode) return messagesByCode[code]!;
    if (code.startsWith('HPE_')) return 'invalid HTTP response';
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 100);
}

/** The distinct reasons of a round's failed attempts, most frequent first; undefined when none failed. */
export function roundError(failures: readonly string[]): string | undefined {
  if (failures.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  const reasons = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([reason]) => reason);
  return reasons.join('; ').slice(0, 200);
}

/** One TCP handshake to an address (no name resolution); the socket never outlives the attempt. */
export async function connectOnce(address: string, port: number, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  const socket = connect({ host: address, port });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<AttemptResult>((resolve) => {
      timer = setTimeout(() => resolve({ error: 'timed out' }), timeoutMs);
      socket.once('connect', () => resolve({ rttMs: performance.now() - started }));
      socket.on('error', (error) => resolve({ error: socketErrorMessage(error) }));
    });
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** Resolves a name once for a round; a lookup slower than one attempt's timeout fails the round. */
async function resolveOnce(host: string, timeoutMs: number): Promise<{ address: string } | { error: string }> {
  const abort = new AbortController();
  try {
    const timedOut = sleep(timeoutMs, { error: 'name resolution timed out' }, { signal: abort.signal });
    return await Promise.race([lookup(host).then(({ address }) => ({ address })), timedOut]);
  } catch (error) {
    return { error: socketErrorMessage(error) };
  } finally {
    abort.abort();
  }
}

/**
 * Runs `attempts` attempts spaced `spacingMs` apart from the start of the first (an attempt that
 * overruns delays the next, never overlaps it), then folds them into a round's figures.
 */
export async function spacedAttempts(
  attempts: number,
  spacingMs: number,
  attempt: () => Promise<AttemptResult>,
): Promise<{ rtts: (number | null)[]; failures: string[] }> {
  const rtts: (number | null)[] = [];
  const failures: string[] = [];
  const firstStart = performance.now();
  for (let i = 0; i < attempts; i++) {
    const wait = firstStart + i * spacingMs - performance.now();
    if (wait > 0) await sleep(wait);
    const result = await attempt();
    if ('rttMs' in result) rtts.push(result.rttMs);
    else {
      rtts.push(null);
      failures.push(result.error);
    }
  }
  return { rtts, failures };
}

export type TcpProbeOptions = {
  /** Fixed time between attempts; by default derived from the target's interval. */
  spacingMs?: number;
};

/** The TCP probe; options are for tests. */
export function createTcpProbe(options: TcpProbeOptions = {}): Probe<'tcp'> {
  async function roundFor(target: TcpTarget, now: () => Date): Promise<LinkRound> {
    const startedAt = now().toISOString();
    const { packets, timeoutMs } = target;
    const resolved = await resolveOnce(target.host, timeoutMs);
    if ('error' in resolved) {
      const stats = roundStats(Array<null>(packets).fill(null));
      return { targetId: target.id, kind: 'tcp', startedAt, ...stats, error: resolved.error };
    }
    const spacingMs = options.spacingMs ?? packetSpacingMs(target.intervalSeconds, packets);
    const { rtts, failures } = await spacedAttempts(packets, spacingMs, () =>
      connectOnce(resolved.address, target.port, timeoutMs),
    );
    const error = roundError(failures);
    return { targetId: target.id, kind: 'tcp', startedAt, ...roundStats(rtts), ...(error ? { error } : {}) };
  }

  return {
    kind: 'tcp',
    // Targets run side by side: one slow link must not delay the others' rounds.
    runRound: (targets, now) => Promise.all(targets.map((target) => roundFor(target, now))),
  };
}

/** The TCP probe the agent runs. */
export const tcpProbe = createTcpProbe();
