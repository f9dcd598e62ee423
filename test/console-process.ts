import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { throwawayPostgresDatabase } from '../console/store/testing.ts';
import { watchProcess, type WatchedProcess } from './watched-process.ts';

/**
 * The real console as a separate process, for tests and benchmarks that cross process
 * boundaries: `node console/main.ts` on a port the kernel picks (PORT=0), found from the
 * "console listening" log line. Runs on the same Node as the caller (process.execPath).
 */
/** One secret key for every console and admin process of this test run, so none writes ./data/. */
const testKey = { CONSOLE_SECRET_KEY: randomBytes(32).toString('base64') };

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export type { Exit } from './watched-process.ts';

export type ConsoleProcess = WatchedProcess & { port: number; baseUrl: string };

export async function startConsole({
  databaseUrl,
  env = {},
  startTimeoutMs = 60_000,
}: {
  databaseUrl: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<ConsoleProcess> {
  const child = spawn(process.execPath, ['console/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, ...testKey, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchProcess(child, { name: 'console', waitMs: startTimeoutMs, stopMs: 30_000 });

  try {
    const listening = await watched.waitForOutput(/"msg":"console listening"/);
    const port = (JSON.parse(listening) as { port: number }).port;
    return { ...watched, port, baseUrl: `http://127.0.0.1:${port}` };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

/** Polls a URL until it answers 200; returns the milliseconds from `since` (performance.now()). */
export async function waitUntilOk(url: string, since: number, timeoutMs = 60_000): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `npm run admin -- …` (the admin CLI) on a store; resolves with its output, rejects on failure. */
export function runAdmin(databaseUrl: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['console/admin/cli.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, ...testKey, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`admin ${args.join(' ')} exited ${code}:\n${out}`)),
    );
  });
}

/** Creates an API token through the admin CLI and returns the secret (its last output line). */
export async function createToken(databaseUrl: string, name: string, role: string): Promise<string> {
  const out = await runAdmin(databaseUrl, ['create-token', name, '--role', role]);
  return out.trim().split('\n').at(-1)!.trim();
}

/** An empty PostgreSQL database for a console process to migrate itself. */
export function emptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return throwawayPostgresDatabase('govops_proc');
}

/** A JSON call to the console's API with a bearer token; rejects naming the status and body unless 2xx. */
export type ConsoleApi = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function consoleApi(baseUrl: string, token: string): ConsoleApi {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
}
