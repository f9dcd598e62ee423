import { ApiException } from '@kubernetes/client-node';

/**
 * Why a site could not be read, in words an operator can act on. Messages are shown on pages and
 * written to the log, so they carry the API server's own explanation (a Status message names the
 * missing permission) and the address that failed, but never a credential: anything that looks
 * like a bearer token is cut out, and kubeconfig parse errors (which quote the file) are not
 * passed on at all.
 */

export type FailureStatus = 'unauthorized' | 'forbidden' | 'unreachable' | 'timeout' | 'error';
export type ReadFailure = { status: FailureStatus; message: string };

/** A failure the reader detected itself, with a message already safe to show. */
export class SiteReadError extends Error {
  readonly status: FailureStatus;
  constructor(status: FailureStatus, message: string) {
    super(message);
    this.status = status;
  }
}

const connectCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Classifies an error thrown while reading a site's API at `server`. */
export function classifyReadFailure(error: unknown, ctx: { server: string; timeoutMs: number }): ReadFailure {
  if (error instanceof SiteReadError) return { status: error.status, message: safe(error.message) };
  if (isTimeout(error)) {
    return { status: 'timeout', message: `${ctx.server} did not answer within ${ctx.timeoutMs / 1000} s` };
  }
  if (error instanceof ApiException) return fromStatusCode(error.code, statusMessage(error.body));
  const cause = coded(error);
  if (cause && connectCodes.has(cause.code)) {
    return { status: 'unreachable', message: `cannot connect to ${ctx.server} (${cause.code})` };
  }
  // A TLS failure (an untrusted or mismatched certificate) and the like: say what and where.
  if (cause) return { status: 'error', message: safe(`${ctx.server}: ${cause.message} (${cause.code})`) };
  return { status: 'error', message: safe(error instanceof Error ? error.message : String(error)) };
}

function fromStatusCode(code: number, message: string | null): ReadFailure {
  const said = message ? `: ${message}` : '';
  // The client drops 401 bodies; the API server's text is a bare "Unauthorized" anyway.
  if (code === 401) {
    return {
      status: 'unauthorized',
      message: 'HTTP 401: the cluster refused the credentials of this kubeconfig context',
    };
  }
  if (code === 403) return { status: 'forbidden', message: safe(`HTTP 403${said}`) };
  return { status: 'error', message: safe(`HTTP ${code}${said}`) };
}

/** The `message` of a Kubernetes `Status` body (a JSON string or an object), if there is one. */
function statusMessage(body: unknown): string | null {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return null; // an HTML page from a proxy, say: not worth showing
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message ? message : null;
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: unknown; cause?: { name?: unknown } } | null;
  return e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError';
}

/** The error that carries a system code (fetch wraps it in `cause`, sometimes twice). */
function coded(error: unknown): { code: string; message: string } | null {
  let e = error as { code?: unknown; message?: unknown; cause?: unknown } | null;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return { code: e.code, message: String(e.message ?? '') };
    e = e.cause as typeof e;
  }
  return null;
}

/** Cuts tokens out and keeps the message short enough for a table cell and a log line. */
export function safe(message: string): string {
  const clean = message
    .replace(/(bearer|basic)\s+[^\s"',;]+/gi, '$1 [redacted]')
    .replace(/(token|password|secret)(["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, '$1$2[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}
