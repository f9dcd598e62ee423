import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkRoundSchema } from '../../core/contracts/agent.ts';
import { createHttpProbe } from './http.ts';

const now = () => new Date('2025-03-01T08:00:00Z');
const probe = createHttpProbe({ spacingMs: 10, maxBodyBytes: 64 * 1024 });
type HttpTargetInput = {
  url: string;
  packets?: number;
  timeoutMs?: number;
  expectStatus?: number[];
  insecureTls?: boolean;
};
const target = ({ url, packets = 3, timeoutMs = 1000, insecureTls = false, expectStatus }: HttpTargetInput) =>
  ({ kind: 'http', id: 'site', url, packets, timeoutMs, insecureTls, intervalSeconds: 5, expectStatus }) as const;

/** Routes of the test site; each request is counted so redirects and reuse would show. */
function site(request: http.IncomingMessage, response: http.ServerResponse): void {
  switch (request.url) {
    case '/':
      return void response.end('ok');
    case '/broken':
      return void response.writeHead(500).end('down');
    case '/missing':
      return void response.writeHead(404).end();
    case '/moved':
      return void response.writeHead(302, { location: '/elsewhere' }).end();
    case '/endless': {
      // A body that never ends: the probe must stop reading at its cap, not at the timeout.
      response.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const write = () => {
        while (!response.destroyed && response.write(chunk));
      };
      response.on('drain', write);
      return write();
    }
    case '/silent':
      return; // headers never come
  }
}

let plain: http.Server;
let tls: https.Server;
let base: string;
let secureBase: string;
let requests = 0;
const connections: number[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'gx-http-'));

function listen(server: http.Server | https.Server): Promise<number> {
  server.on('request', () => requests++);
  server.on('connection', (socket) => {
    connections.push(1);
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  // A real self-signed certificate, made for this run.
  const key = join(scratch, 'key.pem');
  const cert = join(scratch, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  plain = http.createServer(site);
  tls = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, site);
  base = `http://127.0.0.1:${await listen(plain)}`;
  secureBase = `https://127.0.0.1:${await listen(tls)}`;
});

afterAll(async () => {
  for (const server of [plain, tls]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('http probe against a real server', () => {
  it("times every GET on a fresh connection and reports the last one's phases", async () => {
    const before = { requests, connections: connections.length };
    const [round] = await probe.runRound([target({ url: `${base}/`, packets: 4 })], now);
    expect(round).toMatchObject({ kind: 'http', sent: 4, received: 4, lossRatio: 0, httpStatus: 200 });
    expect(round!.error).toBeUndefined();
    expect(requests - before.requests).toBe(4);
    expect(connections.length - before.connections).toBe(4);
    // An IP literal needs no lookup and plain HTTP no TLS: those phases are absent, not zero.
    expect(Object.keys(round!.phasesMs!).sort()).toEqual(['connect', 'firstByte', 'total']);
    expect(round!.phasesMs!.total!).toBeGreaterThanOrEqual(round!.phasesMs!.connect!);
    expect(linkRoundSchema.parse(round)).toEqual(round);
  });

  it('a name is looked up on every attempt and timed as dns', async () => {
    const [round] = await probe.runRound([target({ url: base.replace('127.0.0.1', 'localhost') + '/' })], now);
    expect(round).toMatchObject({ received: 3, httpStatus: 200 });
    expect(round!.phasesMs!.dns).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ['a 500 fails by default', '/broken', undefined, { received: 0, httpStatus: 500, error: 'HTTP 500' }],
    ['a 404 passes when expected', '/missing', [404], { received: 3, httpStatus: 404 }],
    ['a 200 fails when only 204 is expected', '/', [204], { received: 0, httpStatus: 200, error: 'HTTP 200' }],
    ['a redirect is an answer, not followed', '/moved', undefined, { received: 3, httpStatus: 302 }],
    ['an empty expectStatus means the default', '/', [], { received: 3, httpStatus: 200 }],
  ])('%s', async (_name, path, expectStatus, want) => {
    const before = requests;
    const [round] = await probe.runRound([target({ url: `${base}${path}`, expectStatus })], now);
    expect(round).toMatchObject({ sent: 3, ...want });
    expect(requests - before).toBe(3);
  });

  it('stops reading an endless body at the cap and still counts the answer', async () => {
    const [round] = await probe.runRound([target({ url: `${base}/endless`, timeoutMs: 5000 })], now);
    expect(round).toMatchObject({ received: 3, httpStatus: 200 });
    expect(round!.rttMs!.max).toBeLessThan(2000);
  });

  it('a server that never answers times out per attempt', async () => {
    const started = performance.now();
    const [round] = await probe.runRound([target({ url: `${base}/silent`, packets: 2, timeoutMs: 200 })], now);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(round).toMatchObject({ sent: 2, received: 0, error: 'timed out' });
    expect(round!.httpStatus).toBeUndefined();
  });

  it('a closed port is "connection refused"', async () => {
    const closed = http.createServer();
    const port = await new Promise<number>((resolve) =>
      closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)),
    );
    await new Promise((resolve) => closed.close(resolve));
    const [round] = await probe.runRound([target({ url: `http://127.0.0.1:${port}/` })], now);
    expect(round).toMatchObject({ received: 0, lossRatio: 1, error: 'connection refused' });
  });
});

describe('http probe over TLS', () => {
  it('rejects a self-signed certificate unless told to accept it', async () => {
    const [round] = await probe.runRound([target({ url: `${secureBase}/` })], now);
    expect(round).toMatchObject({ received: 0, lossRatio: 1, error: 'self-signed certificate' });
  });

  it('times the TLS handshake when the certificate is accepted', async () => {
    const [round] = await probe.runRound([target({ url: `${secureBase}/`, insecureTls: true })], now);
    expect(round).toMatchObject({ received: 3, httpStatus: 200 });
    expect(round!.phasesMs!.tls).toBeGreaterThan(0);
    expect(linkRoundSchema.parse(round)).toEqual(round);
  });
});
