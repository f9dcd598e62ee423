import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The floor the console is compared with: one Hono route answering a constant, on the same
 * adapter and Node. Prints `{"port":N}` once listening on a loopback port the kernel picks.
 */
const app = new Hono().get('/', (c) => c.json({ status: 'ok' }));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  (server as Server).closeAllConnections();
});
