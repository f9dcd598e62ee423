import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { CertificateObservation } from '../../core/contracts/agent.ts';
import type { Database } from '../store/schema.ts';

/**
 * Test fixtures for the certificate inventory: agents to own sightings, observations as agents
 * send them, RA files, and real root certificates made by OpenSSL (RSA, ECDSA, SM2).
 */

/** An enrolled agent, written straight into the table (the agents service is not under test here). */
export async function seedAgent(db: Kysely<Database>, id: string, department: string | null = null): Promise<void> {
  await db
    .insertInto('agents')
    .values({
      id,
      name: `agent ${id}`,
      site_code: null,
      department_code: department,
      status: 'active',
      enrol_token_hash: null,
      enrol_expires_at: null,
      credential_hash: null,
      hostname: `${id}.example`,
      version: 'test',
      created_at: '2026-11-01T00:00:00.000Z',
      created_by: 'fixture',
      enrolled_at: '2026-11-01T00:00:00.000Z',
      revoked_at: null,
      revoked_by: null,
      last_seen_at: null,
      config_revision: null,
      spool_records: 0,
      spool_bytes: 0,
      dropped_total: 0,
    })
    .execute();
}

/** A stable fingerprint for a name, so tests can refer to certificates by name. */
export function fingerprintOf(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** An observation of a server certificate on SM2 by default; `name` becomes its CN and fingerprint. */
export function observation(name: string, overrides: Partial<CertificateObservation> = {}): CertificateObservation {
  return {
    sourceId: 'tls-oa',
    location: `tls://${name}:443`,
    position: 0,
    chainLength: 2,
    fingerprintSha256: fingerprintOf(name),
    subject: `CN=${name},O=合肥市人民政府,C=CN`,
    issuer: 'CN=Anhui Extranet SM2 CA,O=Anhui,C=CN',
    serial: createHash('sha256').update(`serial ${name}`).digest('hex').slice(0, 16).toUpperCase(),
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-06-01T00:00:00Z',
    keyAlgorithm: 'sm2',
    keySize: 256,
    curve: 'SM2',
    signatureAlgorithm: 'SM2-with-SM3',
    signatureAlgorithmOid: '1.2.156.10197.1.501',
    sans: [name],
    isCa: false,
    personal: false,
    chainVerified: true,
    chainProblems: [],
    observedAt: '2026-11-21T07:00:00Z',
    ...overrides,
  };
}

/** An RSA server certificate observation. */
export function rsaObservation(name: string, overrides: Partial<CertificateObservation> = {}) {
  return observation(name, {
    issuer: 'CN=Anhui Extranet RSA CA,O=Anhui,C=CN',
    keyAlgorithm: 'rsa',
    keySize: 2048,
    curve: undefined,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    signatureAlgorithmOid: '1.2.840.113549.1.1.11',
    ...overrides,
  });
}

/** A personal certificate as an agent sends it: subject redacted, no personal SANs. */
export function personalObservation(overrides: Partial<CertificateObservation> = {}) {
  return observation('personal-zhang-san', {
    sourceId: 'p12-staff',
    location: 'p12:/data/certs/staff.p12',
    subject: null,
    sans: [],
    personal: true,
    ...overrides,
  });
}

export type RootKind = 'rsa' | 'ecdsa' | 'sm2';

/** A self-signed root made by OpenSSL, as PEM; SM2 roots are signed SM2-with-SM3. */
export function generateRoot(kind: RootKind, cn: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'govops-root-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const keyArgs: Record<RootKind, string[]> = {
      rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ecdsa: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      sm2: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2'],
    };
    execFileSync('openssl', ['genpkey', ...keyArgs[kind], '-out', key], { stdio: 'pipe' });
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-new',
        '-key',
        key,
        kind === 'sm2' ? '-sm3' : '-sha256',
        '-subj',
        `/C=CN/O=Anhui Extranet/CN=${cn}`,
        '-days',
        '3650',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-out',
        cert,
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(cert, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An RA export of `rows` certificates in Chinese headers: a third personal, half on SM2. */
export function raCsv(rows: number, departments: readonly string[]): string {
  const lines = ['序列号,证书名称,部门代码,持有者类型,算法,生效日期,失效日期,状态'];
  for (let i = 0; i < rows; i++) {
    const serial = (0x10_0000_0000 + i).toString(16).toUpperCase();
    const personal = i % 3 === 0;
    const name = personal ? `张${i}` : `host${i}.example.gov.cn`;
    const department = departments[i % departments.length];
    const algorithm = i % 2 === 0 ? 'SM2' : 'RSA';
    const status = i % 50 === 0 ? '已吊销' : '正常';
    lines.push(
      `${serial},${name},${department},${personal ? '个人' : '服务器'},${algorithm},2025-03-01,2027-03-01,${status}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
