import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { z } from 'zod';
import { agentConfigSchema, enrolResponseSchema, reportAckSchema } from '../../core/contracts/agent.ts';
import type { AgentConfig, EnrolRequest, EnrolResponse, ReportAck, ReportBatch } from '../../core/contracts/agent.ts';

/**
 * The agent's side of the HTTP contract in core/contracts/agent.ts. Every answer is checked
 * against the contract's schemas; what a push came to is returned as a value the pusher can act
 * on (a 4xx is not an exception there, it decides the batch's fate), while enrolment and
 * configuration failures throw a ConsoleError saying what the operator should do.
 */

export type PushOutcome =
  | { kind: 'acked'; ack: ReportAck }
  /** 400 or 403: this batch will never be accepted as it is. */
  | { kind: 'rejected'; status: number; code: string; message: string; unownedTargets?: string[] }
  | { kind: 'too_large' }
  /** 401: the credential was revoked; nothing will be accepted until the agent is re-enrolled. */
  | { kind: 'unauthorised'; message: string }
  /** The console is away, overloaded or answered something unexpected: try again later. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

/** `etag` is '' when the console sent none; passed back, it then asks for the whole configuration. */
export type ConfigFetch = { status: 'changed'; config: AgentConfig; etag: string } | { status: 'unchanged' };

export type ConsoleClient = {
  enrol(request: EnrolRequest): Promise<EnrolResponse>;
  fetchConfig(etag?: string | null): Promise<ConfigFetch>;
  postReport(batch: ReportBatch): Promise<PushOutcome>;
};

export class ConsoleError extends Error {
  /** refused: the console said no to this request (bad token); unavailable: try again later. */
  readonly kind: 'refused' | 'unauthorised' | 'unavailable' | 'bad_response';
  readonly status: number | undefined;
  constructor(kind: ConsoleError['kind'], message: string, status?: number) {
    super(message);
    this.name = 'ConsoleError';
    this.kind = kind;
    this.status = status;
  }
}

const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .object({ targets: z.array(z.string()).optional() })
      .loose()
      .optional(),
  }),
});

type Answer = { status: number; headers: Headers; body: unknown } | { failure: string };

export function createConsoleClient({
  baseUrl,
  credential,
  timeoutMs,
  fetch: fetchImpl = globalThis.fetch,
  caFile,
}: {
  baseUrl: string;
  /** Absent before enrolment; needed for the configuration and the reports. */
  credential?: string;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  /** PEM file of the CA that signed an HTTPS console's certificate (see trustExtraCa). */
  caFile?: string;
}): ConsoleClient {
  if (caFile) trustExtraCa(readFileSync(caFile, 'utf8'));
  const root = baseUrl.replace(/\/+$/, '');

  async function call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    try {
      // redirect: 'error': a console answering 3xx is misconfigured, and the bearer stays put.
      const init = { method, headers, body, redirect: 'error' as const, signal: AbortSignal.timeout(timeoutMs) };
      const res = await fetchImpl(`${root}${path}`, init);
      const text = await res.text(); // read under the same timeout
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, body: json };
    } catch (error) {
      return { failure: describeFailure(error, timeoutMs) };
    }
  }

  const unreachable = (failure: string) =>
    new ConsoleError('unavailable', `console unreachable at ${root}: ${failure}`);

  function bearer(): Record<string, string> {
    if (!credential) throw new Error('the console client has no credential: enrol the agent first');
    return { authorization: `Bearer ${credential}` };
  }

  return {
    async enrol(request) {
      const answer = await call('POST', '/api/v1/agents/enrol', jsonHeaders, JSON.stringify(request));
      if ('failure' in answer) throw unreachable(answer.failure);
      if (answer.status === 201 || answer.status === 200) {
        const parsed = enrolResponseSchema.safeParse(answer.body);
        if (parsed.success) return parsed.data;
        throw new ConsoleError('bad_response', 'the console answered the enrolment with an unexpected body', 201);
      }
      if ([400, 401, 403, 409].includes(answer.status)) {
        throw new ConsoleError(
          'refused',
          `the console refused the enrolment token (HTTP ${answer.status}: ${errorText(answer.body)}): it is ` +
            'unknown, already used or expired; ask a system administrator for a new one',
          answer.status,
        );
      }
      throw new ConsoleError('unavailable', `enrolment failed with HTTP ${answer.status}`, answer.status);
    },

    async fetchConfig(etag) {
      const headers = { ...bearer(), accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) };
      const answer = await call('GET', '/api/v1/agents/self/config', headers);
      if ('failure' in answer) throw unreachable(answer.failure);
      if (answer.status === 304) return { status: 'unchanged' };
      if (answer.status === 401) {
        throw new ConsoleError('unauthorised', 'the console no longer accepts this agent credential', 401);
      }
      if (answer.status !== 200) {
        throw new ConsoleError('unavailable', `configuration fetch failed with HTTP ${answer.status}`, answer.status);
      }
      const parsed = agentConfigSchema.safeParse(answer.body);
      if (!parsed.success) {
        throw new ConsoleError(
          'bad_response',
          'the console served a configuration that does not fit the contract',
          200,
        );
      }
      return { status: 'changed', config: parsed.data, etag: answer.headers.get('etag') ?? '' };
    },

    async postReport(batch) {
      const answer = await call(
        'POST',
        '/api/v1/agents/reports',
        { ...bearer(), ...jsonHeaders },
        JSON.stringify(batch),
      );
      if ('failure' in answer) return { kind: 'retry', reason: answer.failure };
      const { status } = answer;
      if (status === 200) {
        const ack = reportAckSchema.safeParse(answer.body);
        // Sent again, a batch is deduplicated by id: retrying on a bad answer loses and doubles nothing.
        if (ack.success && ack.data.batchId === batch.batchId) return { kind: 'acked', ack: ack.data };
        return { kind: 'retry', reason: 'the console answered with an acknowledgement that does not fit' };
      }
      if (status === 400 || status === 403) {
        const body = errorBodySchema.safeParse(answer.body);
        const code = body.success ? body.data.error.code : status === 400 ? 'invalid' : 'forbidden';
        const unownedTargets = body.success ? body.data.error.details?.targets : undefined;
        return {
          kind: 'rejected',
          status,
          code,
          message: errorText(answer.body),
          ...(unownedTargets && { unownedTargets }),
        };
      }
      if (status === 401) return { kind: 'unauthorised', message: errorText(answer.body) };
      if (status === 413) return { kind: 'too_large' };
      const retryAfterMs = retryAfter(answer.headers.get('retry-after'));
      return { kind: 'retry', reason: `HTTP ${status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    },
  };
}

const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };

function errorText(body: unknown): string {
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : 'no error body';
}

/** Seconds only; an HTTP date is rare from a console and the backoff covers it. */
function retryAfter(header: string | null): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header) * 1000, 3_600_000);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = [e.cause?.code, e.cause?.message].filter(Boolean).join(': ');
  return cause || e.message || String(error);
}

const trustedPems = new Set<string>();

/**
 * Adds the CAs in a PEM bundle to the ones Node's TLS trusts by default, for a console whose
 * certificate a private CA signed. Global fetch takes no per-request CA without an undici
 * dispatcher (and the project does not depend on undici), so this is process-wide, exactly like
 * NODE_EXTRA_CA_CERTS, which works too and needs no code: the agent's HTTPS probes trust it as well.
 */
export function trustExtraCa(pemBundle: string): void {
  const pems = pemBundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!pems.length) throw new Error('the console CA file holds no PEM certificate');
  for (const pem of pems) new X509Certificate(pem); // a clear error now rather than a TLS failure later
  const fresh = pems.filter((p) => !trustedPems.has(p));
  if (!fresh.length) return;
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...fresh]);
  for (const p of fresh) trustedPems.add(p);
}
