import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { agentCommand } from '../agents/launch.ts';
import { repoRoot } from './console-process.ts';
import { watchProcess, type WatchedProcess } from './watched-process.ts';

/**
 * The real site agent as a separate process, for end-to-end tests: `node agents/main.ts --config
 * <file>` on the caller's Node (process.execPath), with everything it prints kept for the test.
 */

export type AgentProcess = WatchedProcess & {
  /** The JSON log lines written so far, parsed; other lines are left out. */
  logLines: () => Record<string, unknown>[];
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
  const launch = agentCommand(repoRoot, config, { ...process.env, AGENT_LOG_LEVEL: 'info', ...options.env });
  const child = spawn(launch.command, launch.args, {
    cwd: repoRoot,
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchProcess(child, { name: 'agent', waitMs: 30_000, stopMs: 20_000 });
  return {
    ...watched,
    logLines: () =>
      watched
        .output()
        .split('\n')
        .flatMap((line) => {
          if (!line.startsWith('{')) return [];
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return []; // a line cut short by SIGKILL
          }
        }),
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
