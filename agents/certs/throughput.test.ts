import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, pkiAlgorithms, skipWithoutOpenssl, type TestPki } from '../../test/cert-factory.ts';
import { parseCertificate } from './certificate.ts';
import { scanCertSource } from './scan.ts';

/**
 * Sanity, not a benchmark (bench/ measures): parsing and classifying must stay far from the point
 * where an agent's hourly scan of a few thousand certificates takes minutes. The floors are a tenth
 * of what a two-core test machine does, so only an order-of-magnitude regression fails.
 */
const skip = skipWithoutOpenssl();
const copies = 200;

describe.skipIf(skip)('throughput', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki?.cleanup());

  it.each(pkiAlgorithms)('parses %s certificates by the thousand per second', (algorithm) => {
    const der = pki[algorithm].leaf.der;
    const rounds = 2000;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) parseCertificate(der);
    const perSecond = rounds / ((performance.now() - started) / 1000);
    console.log(`parse ${algorithm}: ${Math.round(perSecond)} certificates/s`);
    expect(perSecond).toBeGreaterThan(1000);
  });

  // SM2 signatures are checked in JavaScript (sm-crypto-v2), about a millisecond each once the
  // issuing CA's key is precomputed, against tens of microseconds for RSA and ECDSA in OpenSSL.
  it.each([
    ['rsa', 300],
    ['ecdsa', 300],
    ['sm2', 40],
  ] as const)('scans a directory of %s leafs, verifying each, at more than %i per second', async (algorithm, floor) => {
    const p = pki[algorithm];
    const dir = join(pki.dir, `many-${algorithm}`);
    await mkdir(join(dir, 'leafs'), { recursive: true });
    await writeFile(join(dir, 'issuing-ca.pem'), p.intermediate.pem);
    await Promise.all(Array.from({ length: copies }, (_, i) => writeFile(join(dir, 'leafs', `${i}.cer`), p.leaf.der)));
    const started = performance.now();
    const result = await scanCertSource(
      { kind: 'files', id: 'many', paths: [dir], personal: false },
      { trustAnchorsPem: [p.root.pem], now: () => pki.now },
    );
    const perSecond = result.observations.length / ((performance.now() - started) / 1000);
    console.log(`scan ${algorithm}: ${result.observations.length} certificates, ${Math.round(perSecond)}/s`);
    expect(result.observations).toHaveLength(copies + 1);
    expect(result.observations.every((o) => o.chainVerified)).toBe(true);
    expect(perSecond).toBeGreaterThan(floor);
  });
});
