import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertSource } from '../../core/contracts/agent.ts';
import { createTestPki, skipWithoutOpenssl, type IssuedCertificate, type TestPki } from '../../test/cert-factory.ts';
import { parseCertificate } from './certificate.ts';
import type { ScanContext } from './source.ts';
import { scanTls } from './tls.ts';

/**
 * Real TLS servers on loopback presenting the RSA and ECDSA test chains. SM2 chains are not served:
 * Node's TLS (OpenSSL's TLS 1.x) has no SM2 cipher suites and cannot speak TLCP, so neither a Node
 * test server nor the agent can use them; SM2 is covered by the files and PKCS#12 tests.
 */
const skip = skipWithoutOpenssl();
type TlsSource = Extract<CertSource, { kind: 'tls' }>;

describe.skipIf(skip)('TLS source', () => {
  let pki: TestPki;
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await pki?.cleanup();
  });

  const listen = async (server: Server): Promise<number> => {
    servers.push(server);
    server.on('connection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  };
  const credentials = (leaf: IssuedCertificate, intermediate: IssuedCertificate) => ({
    key: readFileSync(leaf.keyPath),
    cert: leaf.pem + intermediate.pem,
  });
  const serve = (leaf: IssuedCertificate, intermediate: IssuedCertificate) =>
    listen(createTlsServer(credentials(leaf, intermediate), (socket) => socket.end()));
  const source = (port: number, servername?: string): TlsSource => ({
    kind: 'tls',
    id: 'svc',
    host: '127.0.0.1',
    port,
    ...(servername ? { servername } : {}),
    personal: false,
  });
  const context = (anchors: string[]): ScanContext => ({ trustAnchorsPem: anchors, now: () => pki.now });

  it.each(['rsa', 'ecdsa'] as const)('reads and verifies the whole %s chain the server presents', async (algorithm) => {
    const p = pki[algorithm];
    const port = await serve(p.leaf, p.intermediate);
    const result = await scanTls(source(port, pki.hostname), context([p.root.pem]));
    expect(result.problems).toEqual([]);
    expect(result.observations.map((o) => [o.position, o.chainLength, o.fingerprintSha256, o.chainVerified])).toEqual([
      [0, 2, parseCertificate(p.leaf.der).fingerprintSha256, true],
      [1, 2, parseCertificate(p.intermediate.der).fingerprintSha256, true],
    ]);
    expect(result.observations[0]).toMatchObject({
      sourceId: 'svc',
      location: `tls://127.0.0.1:${port}`,
      sans: [pki.hostname, `*.apps.${pki.hostname}`, '127.0.0.1'],
      observedAt: pki.now.toISOString(),
    });
  });

  it('sends SNI: the server picks the certificate by the configured server name', async () => {
    const p = pki.ecdsa;
    const byName = createSecureContext(credentials(p.leaf, p.intermediate));
    const server = createTlsServer(
      {
        ...credentials(p.wrongHost, p.intermediate),
        SNICallback: (name, done) => done(null, name === pki.hostname ? byName : undefined),
      },
      (socket) => socket.end(),
    );
    const port = await listen(server);
    const named = await scanTls(source(port, pki.hostname), context([p.root.pem]));
    expect(named.observations[0]!.chainProblems).toEqual([]);
    // Without a server name (an address) no SNI is sent, the default certificate comes back, and it
    // is not valid for 127.0.0.1.
    const unnamed = await scanTls(source(port), context([p.root.pem]));
    expect(unnamed.observations[0]!.sans).toEqual(['other.example.org']);
    expect(unnamed.observations[0]!.chainProblems).toEqual(['hostname_mismatch']);
  });

  it('classifies expired, wrong-host and incomplete chains without refusing them', async () => {
    const p = pki.rsa;
    const expired = await scanTls(source(await serve(p.expired, p.intermediate), pki.hostname), context([p.root.pem]));
    expect(expired.observations[0]!.chainProblems).toEqual(['expired']);
    const wrongHost = await scanTls(
      source(await serve(p.wrongHost, p.intermediate), pki.hostname),
      context([p.root.pem]),
    );
    expect(wrongHost.observations[0]!.chainProblems).toEqual(['hostname_mismatch']);
    const leafOnly = await listen(
      createTlsServer({ key: readFileSync(p.leaf.keyPath), cert: p.leaf.pem }, (socket) => socket.end()),
    );
    const broken = await scanTls(source(leafOnly, pki.hostname), context([p.root.pem]));
    expect(broken.observations.map((o) => o.chainProblems)).toEqual([['broken_chain']]);
    // Without anchors the intermediate's issuer is nowhere: what is reported is what was sent, two certificates.
    const untrusted = await scanTls(source(await serve(p.leaf, p.intermediate), pki.hostname), context([]));
    expect(untrusted.observations.map((o) => o.chainProblems)).toEqual([['broken_chain'], ['broken_chain']]);
  });

  it('reports refused, silent and non-TLS endpoints as short problems', async () => {
    const closed = await listen(createTcpServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const refused = await scanTls(source(closed, pki.hostname), context([]));
    expect(refused).toEqual({
      observations: [],
      problems: [{ location: `tls://127.0.0.1:${closed}`, message: 'connection refused' }],
    });

    const silent = await listen(createTcpServer(() => {}));
    const started = Date.now();
    const timedOut = await scanTls(source(silent, pki.hostname), context([]), { timeoutMs: 300 });
    expect(timedOut.problems[0]!.message).toBe('no TLS handshake within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);

    // What a TLCP-only or plain-text server does to a TLS ClientHello: answer something else.
    const notTls = await listen(createTcpServer((socket) => socket.end('HTTP/1.0 400 Bad Request\r\n\r\n')));
    const garbled = await scanTls(source(notTls, pki.hostname), context([]));
    expect(garbled.observations).toEqual([]);
    expect(garbled.problems[0]!.message).toMatch(/TLS handshake failed|connection reset/);
    expect(garbled.problems[0]!.message).toContain('TLCP');
    expect(garbled.problems[0]!.message).not.toMatch(/\n|deps\/openssl/);
  });
});
