/**
 * The logger the delivery code writes to: the same shape as the console's structured logger, so
 * the agent's main can pass whichever JSON-lines logger it builds. Callers pass fields, never the
 * credential, the enrolment token or certificate subjects.
 */
export type Logger = {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
};

export type LogLine = { level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields: Record<string, unknown> };

/** A logger that keeps its lines in memory, for tests that check what was (or was not) logged. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log =
    (level: LogLine['level']) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, msg, fields });
    };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Discards everything; for callers that do not care (the crash-test child). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** JSON lines on stdout, the shape of the console's logger; keys that smell of secrets are redacted. */
export function jsonLogger(min: 'debug' | 'info', now: () => Date = () => new Date()): Logger {
  const redact = /pass(word)?|secret|token|credential|authorization/i;
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (level === 'debug' && min !== 'debug') return;
      const safe = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, redact.test(k) ? '[redacted]' : v]));
      process.stdout.write(`${JSON.stringify({ time: now().toISOString(), level, msg, ...safe })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
