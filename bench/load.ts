import { Agent, request } from 'node:http';

/**
 * A small closed-loop load generator: `concurrency` clients, each with its own keep-alive
 * connection, sending one GET after another until the time or request budget runs out. Latency
 * is measured per request from write to the last byte of the body.
 */
export type LoadOptions = {
  url: string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
  /** Hard cap on requests, so the loop is bounded whatever the server's speed. */
  maxRequests: number;
};

export type LoadResult = {
  requests: number;
  failures: number;
  /** Statuses other than 200, and socket errors, by name. */
  failureKinds: Record<string, number>;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanBodyBytes: number;
};

export async function generateLoad({
  url,
  headers = {},
  concurrency,
  durationMs,
  maxRequests,
}: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies = new Float64Array(maxRequests);
  const failureKinds: Record<string, number> = {};
  let issued = 0;
  let done = 0;
  let bodyBytes = 0;
  const started = performance.now();
  const deadline = started + durationMs;

  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
          });
          res.on('end', () => {
            latencies[done++] = performance.now() - t0;
            bodyBytes += bytes;
            if (res.statusCode !== 200) count(`HTTP ${res.statusCode}`);
            resolve();
          });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        latencies[done++] = performance.now() - t0;
        count(e.code ?? e.message);
        resolve();
      });
      req.end();
    });

  const count = (kind: string) => {
    failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
  };

  const client = async () => {
    while (issued < maxRequests && performance.now() < deadline) {
      issued++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();

  const sorted = latencies.slice(0, done).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const failures = Object.values(failureKinds).reduce((a, b) => a + b, 0);
  return {
    requests: done,
    failures,
    failureKinds,
    seconds,
    rps: done / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    meanBodyBytes: done ? bodyBytes / done : 0,
  };
}
