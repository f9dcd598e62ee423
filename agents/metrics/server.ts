import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

/**
 * The agent's scrape endpoint: `GET /metrics` (Prometheus text format) and `GET /healthz`. A bare
 * node:http server: two read-only routes do not justify a framework in the agent, which runs on
 * small machines at department sites. It listens on 127.0.0.1 unless configured otherwise.
 */

export type MetricsServer = {
  /** The address actually bound (port 0 in tests picks a free one). */
  address: { host: string; port: number };
  close(): Promise<void>;
};

/** `/healthz` answers 200 when this says ok, 503 with the reason when not. */
export type HealthCheck = () => { ok: true } | { ok: false; reason: string };

export async function startMetricsServer({
  registry,
  host,
  port,
  health = () => ({ ok: true }),
  logger,
}: {
  registry: Registry;
  host: string;
  port: number;
  health?: HealthCheck;
  logger: Logger;
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) =>
          res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
        (error: unknown) => {
          logger.error('collecting metrics failed', { error: String(error) });
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('collecting metrics failed\n');
        },
      );
      return;
    }
    if (path === '/healthz') {
      const state = health();
      res
        .writeHead(state.ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' })
        .end(state.ok ? 'ok\n' : `${state.reason}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found; try /metrics\n');
  });
  // A scrape is one request; idle keep-alive sockets must not hold shutdown up.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  logger.info('metrics endpoint listening', { host: bound.address, port: bound.port });

  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
