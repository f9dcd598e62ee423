import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Exit, repoRoot } from './console-process.ts';

/**
 * The real site agent as a separate process, for end-to-end tests: `node agents/main.ts --config
 * <dir>/agent.yaml` on the caller's Node (process.execPath), with the YAML written by the test.
 */

export type AgentProcess = {
  child: ChildProcess;
  /** The agent's own /metrics endpoint. */
  metricsUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the first line of output that matches. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exited: Promise<Exit>;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`). */
  stop: (timeoutMs?: number) => Promise<Exit>;
};

/** A port nobody listens on right now (the agent's listen address needs a real one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Writes `<dir>/agent.yaml` (state in `<dir>/state`, /metrics on a free loopback port) and starts
 * the agent on it. `extraYaml` is appended as further top-level lines.
 */
export async function startAgent({
  dir,
  consoleUrl,
  enrolToken,
  extraYaml = [],
}: {
  dir: string;
  consoleUrl: string;
  enrolToken: string;
  extraYaml?: string[];
}): Promise<AgentProcess> {
  const port = await freePort();
  const config = join(dir, 'agent.yaml');
  await writeFile(
    config,
    [
      'console:',
      `  url: "${consoleUrl}"`,
      `  enrolToken: "${enrolToken}"`,
      'stateDir: state',
      `listen: "127.0.0.1:${port}"`,
      ...extraYaml,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['agents/main.ts', '--config', config], {
    cwd: repoRoot,
    env: { ...process.env, AGENT_LOG_LEVEL: 'info' },
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

  async function stop(timeoutMs = 15_000): Promise<Exit> {
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
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    output: () => text,
    waitForOutput,
    exited,
    stop,
  };
}
