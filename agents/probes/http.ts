import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { LinkRound, Target } from '../../core/contracts/agent.ts';
import { packetSpacingMs, roundStats } from '../../core/link-round-stats.ts';
import type { Probe } from './probe.ts';
import { type AttemptResult, roundError, socketErrorMessage, spacedAttempts } from './tcp.ts';

/**
 * HTTP(S) rounds: N GETs per target, each on a fresh connection so every attempt times DNS,
 * connect and TLS again, as a user's first visit would. Redirects are not followed (a 3xx is an
 * answer); the body is read and discarded up to a cap so a large page cannot tie up the agent.
 * An attempt's RTT is its total duration; the round reports the phases of its last attempt.
 */

type HttpTarget = Extract<Target, { kind: 'http' }>;
type Phases = NonNullable<LinkRound['phasesMs']>;

export type HttpAttempt = { result: AttemptResult; status?: number; phases: Phases };

export type HttpProbeOptions = {
  /** Fixed time between attempts; by default derived from the target's interval. */
  spacingMs?: number;
  /** Body bytes read before the rest is dropped (default 1 MiB). */
  maxBodyBytes?: number;
};

const defaultMaxBodyBytes = 1024 * 1024;

function isExpected(target: HttpTarget, status: number): boolean {
  // An empty list would make every answer a failure; read it as "not set".
  return target.expectStatus?.length ? target.expectStatus.includes(status) : status >= 200 && status <= 399;
}

type Marks = { lookup?: number; connect?: number; secure?: number; firstByte?: number };

/** Each phase as its own duration, so they add up to the total; absent when the phase never happened. */
function phasesFrom(marks: Marks, started: number, ended: number): Phases {
  const ready = marks.secure ?? marks.connect;
  const phases: Phases = {
    dns: marks.lookup !== undefined ? marks.lookup - started : undefined,
    connect: marks.connect !== undefined ? marks.connect - (marks.lookup ?? started) : undefined,
    tls: marks.secure !== undefined && marks.connect !== undefined ? marks.secure - marks.connect : undefined,
    firstByte: marks.firstByte !== undefined && ready !== undefined ? marks.firstByte - ready : undefined,
    total: ended - started,
  };
  return Object.fromEntries(
    Object.entries(phases)
      .filter(([, ms]) => ms !== undefined)
      .map(([phase, ms]) => [phase, Math.round(ms * 1000) / 1000]),
  );
}

/** One GET on its own agent and connection; nothing of it outlives the attempt. */
export async function httpAttempt(target: HttpTarget, maxBodyBytes = defaultMaxBodyBytes): Promise<HttpAttempt> {
  const url = new URL(target.url);
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false });
  const marks: Marks = {};
  const started = performance.now();
  let request: http.ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<HttpAttempt>((resolve) => {
      const finish = (result: AttemptResult, status?: number) =>
        resolve({ result, ...(status ? { status } : {}), phases: phasesFrom(marks, started, performance.now()) });
      const answered = (status: number) =>
        finish(
          isExpected(target, status) ? { rttMs: performance.now() - started } : { error: `HTTP ${status}` },
          status,
        );

      timer = setTimeout(() => finish({ error: 'timed out' }), target.timeoutMs);
      request = (secure ? https : http).request(url, {
        method: 'GET',
        agent,
        rejectUnauthorized: !target.insecureTls,
        headers: { 'user-agent': 'govops-agent', accept: '*/*', connection: 'close' },
      });
      request.once('socket', (socket) => {
        socket.once('lookup', () => (marks.lookup = performance.now()));
        socket.once('connect', () => (marks.connect = performance.now()));
        socket.once('secureConnect', () => (marks.secure = performance.now()));
      });
      request.once('response', (response) => {
        marks.firstByte = performance.now();
        const status = response.statusCode ?? 0;
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          // Enough has arrived to know the server answers; the rest would only cost the agent.
          if (bytes > maxBodyBytes) answered(status);
        });
        response.once('end', () => answered(status));
        response.on('error', (error) => finish({ error: socketErrorMessage(error) }, status));
      });
      request.on('error', (error) => finish({ error: socketErrorMessage(error) }));
      request.end();
    });
  } finally {
    clearTimeout(timer);
    request?.destroy();
    agent.destroy();
  }
}

/** The HTTP probe; options are for tests. */
export function createHttpProbe(options: HttpProbeOptions = {}): Probe<'http'> {
  async function roundFor(target: HttpTarget, now: () => Date): Promise<LinkRound> {
    const startedAt = now().toISOString();
    const spacingMs = options.spacingMs ?? packetSpacingMs(target.intervalSeconds, target.packets);
    let last: HttpAttempt | undefined;
    const { rtts, failures } = await spacedAttempts(target.packets, spacingMs, async () => {
      last = await httpAttempt(target, options.maxBodyBytes);
      return last.result;
    });
    const error = roundError(failures);
    return {
      targetId: target.id,
      kind: 'http',
      startedAt,
      ...roundStats(rtts),
      ...(last ? { phasesMs: last.phases } : {}),
      // The contract only carries real status codes; a server sending 999 still failed the attempt.
      ...(last?.status && last.status >= 100 && last.status <= 599 ? { httpStatus: last.status } : {}),
      ...(error ? { error } : {}),
    };
  }

  return {
    kind: 'http',
    // Targets run side by side: one slow site must not delay the others' rounds.
    runRound: (targets, now) => Promise.all(targets.map((target) => roundFor(target, now))),
  };
}

/** The HTTP probe the agent runs. */
export const httpProbe = createHttpProbe();
