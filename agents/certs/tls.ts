import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import type { CertSource } from '../../core/contracts/agent.ts';
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import { maxChainLength, verifyChain } from './chain.ts';
import { observeChain } from './observation.ts';
import type { CertScanResult, CertSourceScanner, ScanContext, ScanProblem } from './source.ts';
import { trustStoreFor } from './trust.ts';

/**
 * The chain a TLS server presents, read with SNI and verified by the agent itself (Node's own
 * verification is switched off so an expired or untrusted chain is still seen and classified).
 *
 * Limit: Node's TLS (OpenSSL's TLS 1.0–1.3) cannot speak TLCP (GB/T 38636, the SM2 "国密 SSL" with
 * its double certificates). A server that only speaks TLCP fails the handshake and is reported as a
 * problem; its SM2 certificates can still be inventoried from files or PKCS#12 on the host.
 */
type TlsSource = Extract<CertSource, { kind: 'tls' }>;

export type TlsScanOptions = { timeoutMs?: number };

const defaultTimeoutMs = 10_000;

export const scanTlsSource: CertSourceScanner<TlsSource> = (source, context) => scanTls(source, context);

/** `scanTlsSource` with a different handshake deadline (tests use a short one). */
export async function scanTls(
  source: TlsSource,
  context: ScanContext,
  options: TlsScanOptions = {},
): Promise<CertScanResult> {
  const now = context.now();
  const servername = source.servername ?? source.host;
  const location = `tls://${isIP(source.host) === 6 ? `[${source.host}]` : source.host}:${source.port}`;
  const problems: ScanProblem[] = [];
  let ders: Uint8Array[];
  try {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    ders = await fetchPresentedChain({ host: source.host, port: source.port, servername, timeoutMs });
  } catch (error) {
    return { observations: [], problems: [{ location, message: (error as Error).message }] };
  }
  if (ders.length > maxChainLength) {
    problems.push({
      location,
      message: `server presented ${ders.length} certificates; the first ${maxChainLength} are reported`,
    });
  }
  const chain: ParsedCertificate[] = [];
  for (const [index, der] of ders.slice(0, maxChainLength).entries()) {
    try {
      chain.push(parseCertificate(der));
    } catch (error) {
      problems.push({ location, message: `certificate ${index + 1} presented: ${(error as Error).message}` });
      if (index === 0) return { observations: [], problems }; // without the leaf there is nothing to classify
    }
  }
  const verdicts = verifyChain(chain, { trust: trustStoreFor(context.trustAnchorsPem), now, hostname: servername });
  return { observations: observeChain(chain, verdicts, { source, location, observedAt: now.toISOString() }), problems };
}

export type TlsEndpoint = { host: string; port: number; servername: string; timeoutMs: number };

/** The certificates the server sent, leaf first, as DER. */
export function fetchPresentedChain({ host, port, servername, timeoutMs }: TlsEndpoint): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      // SNI carries host names only (RFC 6066); for an address the server picks its default certificate.
      ...(isIP(servername) ? {} : { servername }),
      rejectUnauthorized: false,
      // An empty CA list stops Node from completing the chain with its bundled roots: only what the
      // server sent is reported. Old protocol versions and ciphers are allowed because an inventory
      // must see the certificates of the old servers most of all; no data crosses this connection.
      ca: [],
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    // One deadline for connect and handshake; the socket's own timeout only measures idleness.
    const timer = setTimeout(() => finish(new Error(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
    const finish = (outcome: Error | Uint8Array[]) => {
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.once('secureConnect', () => {
      const chain = presentedChain(socket.getPeerCertificate(true));
      finish(chain.length > 0 ? chain : new Error('the server presented no certificate'));
    });
    socket.once('error', (error) => finish(new Error(describeTlsError(error))));
  });
}

/**
 * Node hands the presented certificates back as issuer links (a self-signed root links to itself):
 * a chain sent out of order comes back in order, and a certificate that belongs to no link of the
 * leaf's chain is not returned. Positions are therefore the chain's order, leaf first.
 */
function presentedChain(leaf: DetailedPeerCertificate): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  for (let certificate = leaf; certificate?.raw && !seen.has(certificate.fingerprint256);) {
    seen.add(certificate.fingerprint256);
    chain.push(new Uint8Array(certificate.raw));
    certificate = certificate.issuerCertificate;
  }
  return chain;
}

const tlcpHint = 'a TLCP (SM2) only server cannot be read over standard TLS';

function describeTlsError(error: NodeJS.ErrnoException & { reason?: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ECONNRESET':
      return `connection reset during the TLS handshake (${tlcpHint})`;
  }
  if (error.code?.startsWith('ERR_SSL_') || /SSL|TLS|alert/i.test(error.message)) {
    // OpenSSL's `reason` ("wrong version number") without its error-stack prefix and source path.
    return `TLS handshake failed: ${error.reason ?? error.message} (${tlcpHint})`;
  }
  return error.message;
}
