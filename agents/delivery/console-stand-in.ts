import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { enrolRequestSchema, reportBatchSchema } from '../../core/contracts/agent.ts';
import type { AgentConfig, ReportBatch } from '../../core/contracts/agent.ts';

/**
 * A real HTTP(S) server answering the agent endpoints the way the console's contract says, for
 * the delivery tests: one-time enrolment tokens, the configuration with an ETag, reports stored
 * once per batch id, 400/401/403/413 as documented, errors as `{ error: { code, message } }`.
 * `interfere` lets a test make the console fail, hang or cut the connection; `stop`/`start`
 * take it away and bring it back on the same port.
 */

export type Interference = 'hang' | 'reset' | { status: number; body?: unknown; headers?: Record<string, string> };

export type ConsoleStandIn = {
  url: string;
  /** Batches stored, once each, in the order they arrived. */
  stored: ReportBatch[];
  /** Every report POST: its batch id (when readable) and the status answered. */
  posts: { batchId: string | undefined; status: number }[];
  tokens: Set<string>;
  credentials: Set<string>;
  config: AgentConfig;
  etag: string;
  /** Consulted first on every request; `batch` is the parsed report, when it is one. */
  interfere?: (request: { path: string; batch?: ReportBatch }) => Interference | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
};

export async function startConsoleStandIn({
  ownedTargets,
  maxBodyBytes = 1024 * 1024,
  tls,
}: {
  ownedTargets?: string[];
  maxBodyBytes?: number;
  tls?: { key: string; cert: string };
} = {}): Promise<ConsoleStandIn> {
  const usedTokens = new Set<string>();
  const byId = new Set<string>();

  const standIn: ConsoleStandIn = {
    url: '',
    stored: [],
    posts: [],
    tokens: new Set(),
    credentials: new Set(),
    config: { revision: 'rev-1', targets: [], certSources: [], trustAnchorsPem: [], certScanSeconds: 3600 },
    etag: '"rev-1"',
    stop: async () => {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
    },
    start: () => new Promise((resolve) => server.listen(port, '127.0.0.1', resolve)),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string) => send(status, { error: { code, message } });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '';
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const authorised = bearer !== undefined && standIn.credentials.has(bearer);
    const isReport = req.method === 'POST' && path === '/api/v1/agents/reports';
    const parsedBatch = isReport ? reportBatchSchema.safeParse(safeJson(text)) : undefined;
    const batch = parsedBatch?.success ? parsedBatch.data : undefined;
    const answer = (status: number, body?: unknown, headers?: Record<string, string>) => {
      if (isReport) standIn.posts.push({ batchId: batch?.batchId, status });
      send(status, body, headers);
    };
    const interference = standIn.interfere?.({ path, batch });
    if (interference === 'hang') return; // never answers; the client's timeout must fire
    if (interference === 'reset') return void req.socket.destroy();
    if (interference) return answer(interference.status, interference.body, interference.headers);

    if (req.method === 'POST' && path === '/api/v1/agents/enrol') {
      const parsed = enrolRequestSchema.safeParse(safeJson(text));
      if (!parsed.success) return fail(400, 'invalid', 'not an enrolment request');
      const { token } = parsed.data;
      if (usedTokens.has(token)) return fail(409, 'conflict', 'enrolment token already used');
      if (!standIn.tokens.has(token)) return fail(401, 'unauthorised', 'unknown or expired enrolment token');
      usedTokens.add(token);
      const credential = `agent-${randomBytes(24).toString('base64url')}`;
      standIn.credentials.add(credential);
      return send(201, { agentId: `agent-${standIn.credentials.size}`, credential });
    }
    if (req.method === 'GET' && path === '/api/v1/agents/self/config') {
      if (!authorised) return fail(401, 'unauthorised', 'unknown or revoked credential');
      if (req.headers['if-none-match'] === standIn.etag) return send(304);
      return send(200, standIn.config, { etag: standIn.etag });
    }
    if (isReport) {
      if (!authorised) {
        return answer(401, { error: { code: 'unauthorised', message: 'unknown or revoked credential' } });
      }
      if (size > maxBodyBytes) return answer(413, { error: { code: 'too_large', message: 'body over the limit' } });
      if (!batch) return answer(400, { error: { code: 'invalid', message: 'not a report batch' } });
      const unowned = ownedTargets ? batch.rounds.filter((r) => !ownedTargets.includes(r.targetId)) : [];
      if (unowned.length) {
        const targets = [...new Set(unowned.map((r) => r.targetId))];
        const message = 'targets this agent does not own';
        return answer(403, { error: { code: 'unowned_targets', message, details: { targets } } });
      }
      const duplicate = byId.has(batch.batchId);
      if (!duplicate) {
        byId.add(batch.batchId);
        standIn.stored.push(batch);
      }
      const ack = {
        batchId: batch.batchId,
        duplicate,
        rounds: batch.rounds.length,
        certificates: batch.certificates.length,
      };
      return answer(200, ack);
    }
    return fail(404, 'not_found', 'no such endpoint');
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  standIn.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return standIn;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
