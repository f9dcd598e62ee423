/**
 * The few operator calls the demo makes to the console's JSON API, over HTTP with a bearer token
 * (the agent side never imports console code). Errors carry the console's own message.
 */

export class ConsoleApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type ApiReply<T> = { status: number; body: T };

export type OperatorClient = {
  /** Any status; the caller decides what is expected. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiReply<T>>;
  /** A 2xx answer's body, or a ConsoleApiError naming what went wrong. */
  send<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
};

export function createOperatorClient(baseUrl: string, token: string): OperatorClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<ApiReply<T>> {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'accept-language': 'en',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text for the error message
    }
    return { status: res.status, body: parsed as T };
  }

  return {
    call,
    async send<T>(method: string, path: string, body?: unknown): Promise<T> {
      const reply = await call<T>(method, path, body);
      if (reply.status >= 200 && reply.status < 300) return reply.body;
      throw refusal(method, path, reply);
    },
  };
}

/** The console's error code of a reply (`link_exists`, `agent_active`…), if it sent one. */
export function errorCode(reply: ApiReply<unknown>): string | undefined {
  return (reply.body as { error?: { code?: string } } | null)?.error?.code;
}

/** A reply that was not what the caller needed, as an error with the console's own message. */
export function refusal(method: string, path: string, reply: ApiReply<unknown>): ConsoleApiError {
  const error = (reply.body as { error?: { code?: string; message?: string } } | null)?.error;
  return new ConsoleApiError(
    reply.status,
    error?.code ?? `http_${reply.status}`,
    `${method} /api/v1${path}: ${reply.status} ${error?.message ?? JSON.stringify(reply.body).slice(0, 200)}`,
  );
}

/** True when the console answers `/healthz` with 200 within a few seconds. */
export async function consoleIsUp(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(3_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
