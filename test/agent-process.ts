import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Exit, repoRoot } from './console-process.ts';

/**
 * The real site agent as a separate process, for end-to-end tests: `node agents/main.ts --config
 * <file>` on the caller's Node (process.execPath), with everything it prints kept for the test.
 */

export type AgentProcess = {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** The JSON log lines written so far, parsed; other lines are left out. */
  logLines: () => Record<string, unknown>[];
  /** Resolves with the first line of output that matches. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exited: Promise<Exit>;
  /** SIGKILL, and waits for the exit. */
  kill: () => Promise<Exit>;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`). */
  stop: (timeoutMs?: number) => Promise<Exit>;
};

export type AgentOptions = (
  | {
      /** An agent.yaml the test wrote itself (and may start the agent on more than once). */
      config: string;
    }
  | {
      /** Written to `<dir>/agent.yaml` before the start; relative paths in it resolve from `dir`. */
      yaml: string;
      dir: string;
    }
) & {
  /** Added to the caller's environment; AGENT_LOG_LEVEL is `info` unless set here. */
  env?: Record<string, string>;
};

export function startAgent(options: AgentOptions): AgentProcess {
  let config: string;
  if ('config' in options) {
    config = options.config;
  } else {
    config = join(options.dir, 'agent.yaml');
    writeFileSync(config, options.yaml.endsWith('\n') ? options.yaml : `${options.yaml}\n`);
  }
  const child = spawn(process.execPath, ['agents/main.ts', '--config', config], {
    cwd: repoRoot,
    env: { ...process.env, AGENT_LOG_LEVEL: 'info', ...options.env },
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
        () => done(() => reject(new Error(`no ${pattern} from the agent within ${timeoutMs} ms:\n${text}`))),
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

/** A loopback TCP port that was free a moment ago, for a process that must listen on a known port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
