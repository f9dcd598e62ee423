import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certSourceSchema, type CertificateObservation, type CertSource } from '../../core/contracts/agent.ts';
import { scanCertSource } from '../certs/scan.ts';
import { algorithmFamily, commonName, expiryWindow, registerCertMetrics } from './cert-metrics.ts';

const now = new Date('2025-03-01T00:00:00Z');
const day = 86_400_000;
const personName = '张伟';
const idNumber = '340104199001011234';
const email = 'zhang.wei@ah.gov.example';

/** An RSA certificate signed by `issuer` (self-signed without one); node's keygen is fast, forge signs. */
function certificate(
  subject: forge.pki.CertificateField[],
  opts: {
    serial: string;
    notAfter: Date;
    ca?: boolean;
    issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  },
) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = opts.serial;
  cert.validity.notBefore = new Date(now.getTime() - 365 * day);
  cert.validity.notAfter = opts.notAfter;
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer?.cert.subject.attributes ?? subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: opts.ca ?? false }];
  if (!opts.ca) extensions.push({ name: 'subjectAltName', altNames: [{ type: 1, value: email }] });
  cert.setExtensions(extensions);
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  cert.sign(opts.issuer?.key ?? key, forge.md.sha256.create());
  return { cert, key, pem: forge.pki.certificateToPem(cert) };
}

/** Chinese names as UTF8String (forge encodes the value itself when told the tag). */
const utf8 = (name: string, value: string): forge.pki.CertificateField =>
  ({ name, value, valueTagClass: forge.asn1.Type.UTF8 }) as unknown as forge.pki.CertificateField;

/** A name as it would look if some layer mis-decoded its UTF-8 bytes as Latin-1: a leak all the same. */
const misdecoded = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

const source = (input: object): CertSource => certSourceSchema.parse(input);

async function samples(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`));
}

describe('certificate metrics from real certificates', () => {
  let dir: string;
  let caPem: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cert-metrics-'));
    const ca = certificate([{ name: 'commonName', value: 'AH Extranet Test CA' }], {
      serial: '01',
      notAfter: new Date(now.getTime() + 3650 * day),
      ca: true,
    });
    caPem = ca.pem;
    const server = certificate([{ name: 'commonName', value: 'portal.ah.gov.example' }], {
      serial: '0a',
      notAfter: new Date(now.getTime() + 20 * day),
      issuer: ca,
    });
    const person = (serial: string, days: number) =>
      certificate(
        [
          utf8('commonName', personName),
          { type: '2.5.4.5', value: idNumber }, // serialNumber attribute: the holder's ID number
          utf8('organizationName', '安徽省人力资源和社会保障厅'),
        ],
        { serial, notAfter: new Date(now.getTime() + days * day), issuer: ca },
      ).pem;
    await writeFile(join(dir, 'server.pem'), server.pem + ca.pem);
    await writeFile(join(dir, 'staff-1.pem'), person('7f01', 3) + ca.pem);
    await writeFile(join(dir, 'staff-2.pem'), person('7f02', 400));
    await writeFile(join(dir, 'staff-3.pem'), person('7f03', -2));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function scanned() {
    const context = { trustAnchorsPem: [caPem], now: () => now };
    const registry = new Registry();
    const metrics = registerCertMetrics(registry, { now: () => now });
    const servers = source({ id: 'portal-files', kind: 'files', paths: [join(dir, 'server.pem')] });
    const staff = source({
      id: 'ra-staff',
      kind: 'files',
      paths: [join(dir, 'staff-*.pem')],
      personal: true,
      department: '340100-hrss',
    });
    const serverScan = await scanCertSource(servers, context);
    const staffScan = await scanCertSource(staff, context);
    metrics.observeScan(servers, serverScan);
    metrics.observeScan(staff, staffScan);
    return { registry, metrics, serverScan, staffScan };
  }

  it('names server certificates by source, fingerprint and common names', async () => {
    const { registry, serverScan } = await scanned();
    const leaf = serverScan.observations.find((o) => o.position === 0)!;
    expect(await samples(registry, 'gov_cert_not_after_timestamp_seconds')).toContain(
      `gov_cert_not_after_timestamp_seconds{source="portal-files",fingerprint="${leaf.fingerprintSha256}",subject_cn="portal.ah.gov.example",issuer_cn="AH Extranet Test CA",algorithm="rsa"} ${(now.getTime() + 20 * day) / 1000}`,
    );
  });

  it('counts personal certificates per department, window and algorithm, CAs beside them not counted', async () => {
    const { registry } = await scanned();
    expect(await samples(registry, 'gov_cert_personal_certificates')).toEqual([
      'gov_cert_personal_certificates{department="340100-hrss",window="expired",algorithm="rsa"} 1',
      'gov_cert_personal_certificates{department="340100-hrss",window="7d",algorithm="rsa"} 1',
      'gov_cert_personal_certificates{department="340100-hrss",window="30d",algorithm="rsa"} 0',
      'gov_cert_personal_certificates{department="340100-hrss",window="valid",algorithm="rsa"} 1',
    ]);
  });

  it('never lets a personal name, ID number, e-mail, serial or fingerprint into the metrics text', async () => {
    const { registry, staffScan } = await scanned();
    const text = await registry.metrics();
    const personal = staffScan.observations.filter((o) => !o.isCa);
    expect(personal).toHaveLength(3);
    const secrets = [
      personName,
      misdecoded(personName),
      idNumber,
      email,
      ...personal.flatMap((o) => [o.serial, o.fingerprintSha256]),
    ];
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/7f0[123]/i);

    // Not vacuous: the same files scanned as server certificates do carry the name into the text.
    const unflagged = source({ id: 'unflagged', kind: 'files', paths: [join(dir, 'staff-2.pem')] });
    const control = new Registry();
    const context = { trustAnchorsPem: [caPem], now: () => now };
    registerCertMetrics(control, { now: () => now }).observeScan(unflagged, await scanCertSource(unflagged, context));
    expect(await control.metrics()).toContain(`subject_cn="${personName}"`);
  });

  it('keeps identifying fields out even when an observation reaches it unredacted', async () => {
    const registry = new Registry();
    const metrics = registerCertMetrics(registry, { now: () => now });
    const leaky: CertificateObservation = {
      ...observation('a'.repeat(64)),
      subject: `CN=${personName},serialNumber=${idNumber}`,
      sans: [`email:${email}`],
      personal: false, // wrongly unflagged: the source's flag still decides
    };
    metrics.observeScan(source({ id: 'p12', kind: 'pkcs12', path: '/x.p12', passwordFile: '/x.pw', personal: true }), {
      observations: [leaky],
      problems: [],
    });
    const text = await registry.metrics();
    for (const secret of [personName, idNumber, email, 'a'.repeat(64), leaky.serial])
      expect(text).not.toContain(secret);
    expect(text).toContain('gov_cert_personal_certificates{department="unknown",window="valid",algorithm="sm2"} 1');
  });
});

function observation(fingerprint: string, over: Partial<CertificateObservation> = {}): CertificateObservation {
  return {
    sourceId: 's',
    location: 'tls://portal:443',
    position: 0,
    chainLength: 1,
    fingerprintSha256: fingerprint,
    subject: 'CN=portal.ah.gov.example,O=AH',
    issuer: 'CN=AH SM2 CA,O=AH',
    serial: '5A5A5A5A',
    notBefore: '2024-01-01T00:00:00.000Z',
    notAfter: '2026-01-01T00:00:00.000Z',
    keyAlgorithm: 'sm2',
    curve: 'SM2',
    signatureAlgorithm: 'SM2-with-SM3',
    signatureAlgorithmOid: '1.2.156.10197.1.501',
    sans: [],
    isCa: false,
    personal: false,
    chainVerified: true,
    chainProblems: [],
    observedAt: now.toISOString(),
    ...over,
  };
}

describe('certificate metrics for TLS sources', () => {
  const tls = source({ id: 'portal-tls', kind: 'tls', host: 'portal.ah.gov.example' });

  it('reports blackbox ssl expiries, keeps them through an unreachable scan, and forgets removed sources', async () => {
    const registry = new Registry();
    const metrics = registerCertMetrics(registry, { now: () => now });
    const chain = [
      observation('1'.repeat(64), { notAfter: '2025-06-01T00:00:00.000Z' }),
      observation('2'.repeat(64), { position: 1, isCa: true, notAfter: '2025-05-01T00:00:00.000Z' }),
    ];
    metrics.observeScan(tls, { observations: chain, problems: [] });
    const may = Date.parse('2025-05-01T00:00:00Z') / 1000;
    expect(await samples(registry, 'probe_ssl_earliest_cert_expiry')).toEqual([
      `probe_ssl_earliest_cert_expiry{source="portal-tls"} ${may}`,
    ]);
    expect(await samples(registry, 'probe_ssl_last_chain_expiry_timestamp_seconds')).toEqual([
      `probe_ssl_last_chain_expiry_timestamp_seconds{source="portal-tls"} ${may}`,
    ]);

    metrics.observeScan(tls, {
      observations: [],
      problems: [{ location: 'tls://portal.ah.gov.example:443', message: 'ETIMEDOUT' }],
    });
    expect(await samples(registry, 'probe_ssl_earliest_cert_expiry')).toHaveLength(1);
    expect(await samples(registry, 'gov_cert_scan_problems')).toEqual([
      'gov_cert_scan_problems{source="portal-tls"} 1',
    ]);

    metrics.observeScan(tls, { observations: chain.map((o) => ({ ...o, chainVerified: false })), problems: [] });
    expect(await samples(registry, 'probe_ssl_last_chain_expiry_timestamp_seconds')).toEqual([]);

    metrics.retainSources([]);
    expect(await registry.metrics()).not.toContain('portal-tls');
  });
});

describe('certificate classification', () => {
  it.each([
    [{ keyAlgorithm: 'sm2', curve: 'SM2' }, 'sm2'],
    [{ keyAlgorithm: 'ec', curve: 'SM2' }, 'sm2'],
    [{ keyAlgorithm: '1.2.156.10197.1.301' }, 'sm2'],
    [{ keyAlgorithm: 'rsa' }, 'rsa'],
    [{ keyAlgorithm: 'rsa-pss' }, 'rsa'],
    [{ keyAlgorithm: 'ec', curve: 'prime256v1' }, 'ecdsa'],
    [{ keyAlgorithm: 'ed25519' }, 'other'],
  ] as const)('%o is %s', (key, family) => {
    expect(algorithmFamily(key)).toBe(family);
  });

  it.each([
    [now.getTime() - 1, 'expired'],
    [now.getTime(), 'expired'],
    [now.getTime() + 7 * day, '7d'],
    [now.getTime() + 7 * day + 1, '30d'],
    [now.getTime() + 30 * day, '30d'],
    [now.getTime() + 31 * day, 'valid'],
  ])('expiry at %d is in window %s', (notAfter, window) => {
    expect(expiryWindow(notAfter, now.getTime())).toBe(window);
  });

  it('reads the common name of an RFC 2253 name, escapes included', () => {
    expect(commonName('CN=portal.ah.gov.example,O=Anhui,C=CN')).toBe('portal.ah.gov.example');
    expect(commonName('O=Example\\, Inc.,CN=a\\,b')).toBe('a,b');
    expect(commonName(null)).toBe('');
  });
});
