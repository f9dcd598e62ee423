import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../console/store/migrate.ts';
import { postgresAvailable } from '../console/store/testing.ts';
import {
  type ConsoleProcess,
  createToken,
  emptyPostgresDatabase,
  startConsole,
  waitUntilOk,
} from './console-process.ts';

/**
 * The console as operators run it: `node console/main.ts` in its own process, on a real SQLite
 * file or PostgreSQL database, over real sockets. Covers what only a process shows: the
 * first-start message, configuration from the environment, and graceful shutdown on SIGTERM.
 */
const pgUp = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), 'govops-process-'));
const started: ConsoleProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop(5_000)));
  rmSync(dir, { recursive: true, force: true });
});

async function run(databaseUrl: string, env: Record<string, string> = {}): Promise<ConsoleProcess> {
  const p = await startConsole({ databaseUrl, env });
  started.push(p);
  await waitUntilOk(`${p.baseUrl}/readyz`, performance.now());
  return p;
}

async function signIn(p: ConsoleProcess, username: string, password: string) {
  const res = await fetch(`${p.baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as { stage?: string } };
}

async function departmentsTotal(p: ConsoleProcess, token: string): Promise<number> {
  const res = await fetch(`${p.baseUrl}/api/v1/departments?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { total: number }).total;
}

describe('console process on SQLite', () => {
  const demoStore = `sqlite:${join(dir, 'demo', 'console.db')}`;

  it('first start prints the admin username and a generated password that signs in; a restart prints neither', async () => {
    const first = await run(demoStore);
    const out = first.output();
    expect(out).toContain('as user "admin" (system administrator)');
    const password = /with the generated password: (\S+)/.exec(out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(out).toContain('"msg":"loaded the demo province","departments":3196');
    // The password reaches the terminal once, never the structured log.
    expect(out.split('\n').filter((l) => l.startsWith('{') && l.includes(password!))).toEqual([]);
    expect(await signIn(first, 'admin', password!)).toEqual({
      status: 200,
      body: expect.objectContaining({ stage: 'enrol' }),
    });
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    const again = await run(demoStore);
    expect(again.output()).not.toContain('First start');
    expect(again.output()).not.toContain('loaded the demo province');
    expect(again.output()).not.toContain('applied migrations');
    expect(await departmentsTotal(again, await createToken(demoStore, 'restart', 'viewer'))).toBe(3196);
    expect(await again.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('honours CONSOLE_ADMIN_PASSWORD and CONSOLE_DEMO=0, and never prints the password', async () => {
    const store = `sqlite:${join(dir, 'chosen', 'console.db')}`;
    const chosen = 'chosen-admin-passphrase-7';
    const p = await run(store, { CONSOLE_ADMIN_PASSWORD: chosen, CONSOLE_DEMO: '0' });
    const out = p.output();
    expect(out).toContain('as user "admin"');
    expect(out).toContain('with the password in CONSOLE_ADMIN_PASSWORD');
    expect(out).not.toContain('generated password');
    expect(out).not.toContain(chosen);
    expect(await signIn(p, 'admin', chosen)).toEqual({
      status: 200,
      body: expect.objectContaining({ stage: 'enrol' }),
    });
    // The admin CLI works on the same file while the console runs (WAL), and no demo was loaded.
    expect(await departmentsTotal(p, await createToken(store, 'no-demo', 'viewer'))).toBe(0);
    expect(await p.stop()).toEqual({ code: 0, signal: null });
    expect(p.output()).not.toContain(chosen);
  }, 60_000);

  it('on SIGTERM stops accepting, answers every request in flight, logs "stopped" and exits 0', async () => {
    const token = await createToken(demoStore, 'shutdown', 'viewer');
    const p = await run(demoStore);
    // Requests sent in two halves: the first half before SIGTERM puts each one in flight on the
    // server (its parser has begun), the second half after the server has begun shutting down.
    const kinds = [
      {
        expected: 200,
        head: 'GET /api/v1/departments?limit=500 HTTP/1.1\r\nHost: console\r\n',
        rest: `Authorization: Bearer ${token}\r\n\r\n`,
      },
      { expected: 401, head: 'GET /api/v1/departments HTTP/1.1\r\nHost: console\r\n', rest: '\r\n' },
      signInRequest('nobody', 'not-the-password'),
    ];
    const inFlight = await Promise.all(
      Array.from({ length: 24 }, (_, i) => openRequest(p.port, kinds[i % kinds.length]!)),
    );
    // A full round trip after the halves were written: the server has read them.
    await waitUntilOk(`${p.baseUrl}/healthz`, performance.now(), 5_000);
    await new Promise((r) => setTimeout(r, 100));

    const signalledAt = performance.now();
    p.child.kill('SIGTERM');
    await p.waitForOutput(/"msg":"shutting down"/, 5_000);
    expect(await refusesConnections(p.port, 2_000)).toBe(true);

    for (const r of inFlight) r.finish();
    const outcomes = await Promise.all(inFlight.map((r) => r.outcome));
    expect(outcomes.map((o) => o.error)).toEqual(inFlight.map(() => null));
    expect(outcomes.map((o) => o.status)).toEqual(inFlight.map((r) => r.expected));

    expect(await p.exited).toEqual({ code: 0, signal: null });
    // Well inside SHUTDOWN_GRACE_SECONDS (20): nothing was cut off by the deadline.
    expect(performance.now() - signalledAt).toBeLessThan(15_000);
    expect(p.output()).toContain('"msg":"stopped"');
    expect(p.output()).not.toContain('still in flight');
    await expect(fetch(`${p.baseUrl}/healthz`)).rejects.toThrow();
  }, 60_000);
});

describe('console process on PostgreSQL', () => {
  it.runIf(pgUp)(
    'starts on an empty database, migrates it, loads the demo and serves /readyz',
    async () => {
      const db = await emptyPostgresDatabase();
      try {
        const p = await run(db.url);
        const out = p.output();
        expect(out).toMatch(/"msg":"opening store","store":"postgres postgres:\/\//);
        expect(out).toContain(
          `"msg":"applied migrations","migrations":["0001-foundation","0002-audit-append-only","0003-capacity","0004-extranet","0005-agents","${latestSchemaVersion}"]`,
        );
        expect(out).toContain('with the generated password');
        const ready = await fetch(`${p.baseUrl}/readyz`);
        expect(await ready.json()).toEqual({ status: 'ready', schema: latestSchemaVersion });
        expect(await departmentsTotal(p, await createToken(db.url, 'pg', 'viewer'))).toBe(3196);
        expect(await p.stop()).toEqual({ code: 0, signal: null });
        expect(p.output()).toContain('"msg":"stopped"');
      } finally {
        await db.drop();
      }
    },
    60_000,
  );
});

type HalfRequest = { expected: number; head: string; rest: string };

function signInRequest(username: string, password: string): HalfRequest {
  const body = JSON.stringify({ username, password });
  const cut = Math.floor(body.length / 2);
  return {
    expected: 401,
    head: [
      'POST /api/v1/session HTTP/1.1',
      'Host: console',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body.slice(0, cut),
    ].join('\r\n'),
    rest: body.slice(cut),
  };
}

type Outcome = { status: number | null; error: string | null };

/**
 * One request on its own connection, written up to `head`; `finish()` writes the rest. The
 * outcome is the response's status, or the socket error (a reset would show here). Like a
 * keep-alive client, we leave the connection open after the response: closing it is the server's
 * part of a graceful shutdown.
 */
async function openRequest(
  port: number,
  { expected, head, rest }: HalfRequest,
): Promise<{ expected: number; finish: () => void; outcome: Promise<Outcome> }> {
  const socket = await connectOnce(port);
  socket.write(head);
  const outcome = new Promise<Outcome>((resolve) => {
    let raw = '';
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    socket.on('data', (chunk: Buffer) => {
      raw += chunk.toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(raw.slice(0, end))?.[1] ?? Number.NaN);
      const chunkedDone = /\r\ntransfer-encoding: *chunked/i.test(raw.slice(0, end)) && raw.endsWith('0\r\n\r\n');
      if (raw.length - end - 4 >= length || chunkedDone) {
        settle({ status: Number(raw.slice(9, 12)), error: null });
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => settle({ status: null, error: e.code ?? e.message }));
    socket.on('close', () => settle({ status: null, error: `closed before a full response: ${raw.slice(0, 40)}` }));
  });
  return { expected, finish: () => socket.write(rest), outcome };
}

/**
 * Whether new connections are refused within `withinMs`. The "shutting down" line is written
 * just before the listener closes, so a connection may still slip in right after it.
 */
async function refusesConnections(port: number, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    try {
      (await connectOnce(port)).destroy();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function connectOnce(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
