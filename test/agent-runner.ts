import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readCursor } from '../agents/delivery/spool-cursor.ts';
import { checkFrame, scanFrames } from '../agents/delivery/spool-frame.ts';
import { type Exit, repoRoot } from './console-process.ts';

/**
 * The real site agent as a separate process (`node agents/main.ts --config …`) on the caller's
 * Node, with its JSON-lines log kept for the test, plus a read-only look into its spool directory.
 */

export type AgentProcess = {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** The JSON log lines written so far, parsed; other lines are left out. */
  logLines: () => Record<string, unknown>[];
  /** Resolves with the first line that matches. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exited: Promise<Exit>;
  /** SIGKILL, and waits for the exit. */
  kill: () => Promise<Exit>;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`). */
  stop: (timeoutMs?: number) => Promise<Exit>;
};

export function startAgent({ config, env = {} }: { config: string; env?: Record<string, string> }): AgentProcess {
  const child = spawn(process.execPath, ['agents/main.ts', '--config', config], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let hasExited = false;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
      for (const w of waiters) w();
    }),
  );

  function waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = text.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return done(() => resolve(line));
        if (hasExited) done(() => reject(new Error(`agent exited before printing ${pattern}:\n${text}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  }

  async function stop(timeoutMs = 20_000): Promise<Exit> {
    if (!hasExited) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    child,
    output: () => text,
    logLines: () =>
      text.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return []; // a line cut short by SIGKILL
        }
      }),
    waitForOutput,
    exited,
    kill: async () => {
      if (!hasExited) child.kill('SIGKILL');
      return exited;
    },
    stop,
  };
}

/** A TCP port that was free a moment ago, for a process that must listen on a known port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One record found in a spool's segment files. */
export type SpooledRecord = {
  batchId: string;
  rounds: number;
  certificates: number;
  /** At or past the cursor: not yet consumed, so the agent replays it on its next start. */
  waiting: boolean;
};

/**
 * Every intact record in a spool directory's segment files, consumed or not, read without
 * changing anything (the agent must not be running). Every record there was fsync'd, i.e.
 * accepted by the agent.
 */
export async function readSpoolDir(dir: string): Promise<SpooledRecord[]> {
  const { cursor } = await readCursor(dir);
  const records: SpooledRecord[] = [];
  const segments = (await readdir(dir)).filter((n) => /^\d{12}\.seg$/.test(n)).sort();
  for (const name of segments) {
    const segment = Number(name.slice(0, 12));
    const buf = await readFile(join(dir, name));
    for (const frame of scanFrames(buf, 0).frames) {
      const check = checkFrame(buf, frame.offset);
      if (!check.ok) continue;
      const batch = JSON.parse(check.payload.toString('utf8')) as {
        batchId: string;
        rounds: unknown[];
        certificates: unknown[];
      };
      records.push({
        batchId: batch.batchId,
        rounds: batch.rounds.length,
        certificates: batch.certificates.length,
        waiting: segment > cursor.segment || (segment === cursor.segment && frame.offset >= cursor.offset),
      });
    }
  }
  return records;
}
