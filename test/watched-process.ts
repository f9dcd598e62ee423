import type { ChildProcess } from 'node:child_process';

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A spawned process the test keeps an eye on: what it printed, its exit, and how to stop it. */
export type WatchedProcess = {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the first line of output that matches; rejects on exit or timeout. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exited: Promise<Exit>;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`). */
  stop: (timeoutMs?: number) => Promise<Exit>;
  /** SIGKILL, and waits for the exit. */
  kill: () => Promise<Exit>;
};

/** Collects a child's stdout and stderr (spawned with stdio 'pipe') and watches for its exit. */
export function watchProcess(
  child: ChildProcess,
  { name, waitMs, stopMs }: { name: string; waitMs: number; stopMs: number },
): WatchedProcess {
  let text = '';
  let hasExited = false;
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
      for (const w of waiters) w();
    }),
  );

  function waitForOutput(pattern: RegExp, timeoutMs = waitMs): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = text.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return done(() => resolve(line));
        if (hasExited) done(() => reject(new Error(`${name} exited before printing ${pattern}:\n${text}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} from the ${name} within ${timeoutMs} ms:\n${text}`))),
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

  async function stop(timeoutMs = stopMs): Promise<Exit> {
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
    waitForOutput,
    exited,
    stop,
    kill: async () => {
      if (!hasExited) child.kill('SIGKILL');
      return exited;
    },
  };
}
