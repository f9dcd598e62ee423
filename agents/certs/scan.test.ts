import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateObservationSchema, type CertSource } from '../../core/contracts/agent.ts';
import { createTestPki, runOpenssl, skipWithoutOpenssl, type TestPki } from '../../test/cert-factory.ts';
import { scanCertSource } from './scan.ts';
import type { ScanContext } from './source.ts';

const skip = skipWithoutOpenssl();

describe.skipIf(skip)('scanCertSource', () => {
  let pki: TestPki;
  let context: ScanContext;
  beforeAll(async () => {
    pki = await createTestPki();
    context = { trustAnchorsPem: [pki.rsa.root.pem, pki.ecdsa.root.pem, pki.sm2.root.pem], now: () => pki.now };
  });
  afterAll(() => pki?.cleanup());

  it('dispatches each kind of source and stamps what the contract asks for', async () => {
    const server = createServer({ key: await readFile(pki.ecdsa.leaf.keyPath), cert: pki.ecdsa.chainPem }, (s) =>
      s.end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const base = { personal: false, department: 'GA-0101' };
    const sources: CertSource[] = [
      { kind: 'tls', id: 'portal', host: '127.0.0.1', port, servername: pki.hostname, ...base },
      { kind: 'files', id: 'host-certs', paths: [pki.sm2.leaf.certPath, pki.sm2.intermediate.certPath], ...base },
      { kind: 'pkcs12', id: 'bundle', path: pki.rsa.p12Path, passwordFile: pki.passwordFile, ...base },
    ];
    try {
      for (const source of sources) {
        const result = await scanCertSource(source, context);
        expect(result.problems).toEqual([]);
        expect(result.observations.length).toBeGreaterThan(0);
        for (const observation of result.observations) {
          expect(certificateObservationSchema.parse(observation)).toEqual(observation);
          expect(observation).toMatchObject({
            sourceId: source.id,
            department: 'GA-0101',
            personal: false,
            observedAt: pki.now.toISOString(),
            chainVerified: true,
          });
        }
      }
    } finally {
      server.close();
    }
  });

  it('reports unreadable trust anchors and failing sources instead of throwing', async () => {
    const broken: ScanContext = { ...context, trustAnchorsPem: ['not a certificate', pki.rsa.root.pem] };
    const result = await scanCertSource(
      { kind: 'files', id: 'gone', paths: ['/nonexistent/certs'], personal: false },
      broken,
    );
    expect(result).toEqual({
      observations: [],
      problems: [
        { location: 'trust anchors', message: 'trust anchor 1: no certificate in PEM' },
        { location: '/nonexistent/certs', message: 'no such file or directory' },
      ],
    });
  });

  it('turns a certificate the contract cannot carry into a problem, not a refused batch', async () => {
    // A 50-octet serial: RFC 5280 allows 20, the contract 40, some broken CAs write more.
    const key = join(pki.dir, 'long-serial.key');
    const cert = join(pki.dir, 'long-serial.pem');
    await runOpenssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], pki.dir);
    const serial = `0x7${'ab'.repeat(49)}c`;
    await runOpenssl(
      ['req', '-x509', '-key', key, '-subj', '/CN=odd', '-days', '1', '-set_serial', serial, '-out', cert],
      pki.dir,
    );
    const result = await scanCertSource(
      { kind: 'files', id: 'odd', paths: [cert, pki.sm2.root.certPath], personal: false },
      context,
    );
    expect(result.observations.map((o) => o.subject)).toEqual(['CN=GovOps Test SM2 Root CA,O=GovOps Test SM2,C=CN']);
    expect(result.problems).toEqual([
      { location: cert, message: expect.stringMatching(/^certificate [0-9a-f]{16} not reportable \(serial\)$/) },
    ]);
  });
});
