/**
 * One structured logger: JSON lines on stdout/stderr. Callers pass fields, never secrets or
 * personal data; `redactKeys` removes the usual suspects should one slip into a field anyway.
 */
export type Logger = {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
};

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;

const redactKeys = /pass(word)?|secret|token|totp|cookie|authorization/i;

export function createLogger(
  min: Level = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log =
    (level: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (levels[level] < levels[min]) return;
      const safe: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fields)) safe[k] = redactKeys.test(k) ? '[redacted]' : v;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...safe })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that keeps lines in memory, for tests that check what was (not) logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger('debug', (l) => lines.push(l)),
    { lines },
  );
}
