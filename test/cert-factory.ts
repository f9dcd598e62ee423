import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asn1Time,
  caAlgorithms,
  type CaAlgorithm,
  caConfig,
  keyOptions,
  requestOptions,
  runOpenssl,
  signOptions,
} from '../agents/demo/openssl-ca.ts';

export { runOpenssl };

/**
 * A test PKI made by the OpenSSL CLI, the tool department CAs actually use, for RSA, ECDSA (P-256)
 * and SM2-with-SM3: root → intermediate → leaf, leaf variants with chosen validity and names,
 * personal certificates and PKCS#12 bundles. `openssl ca` is used rather than `x509 -req` because
 * OpenSSL 3.0's `x509` can only date a certificate from now, and the variants need exact dates.
 */

export const pkiAlgorithms = caAlgorithms;
export type PkiAlgorithm = CaAlgorithm;

export type IssuedCertificate = { certPath: string; keyPath: string; pem: string; der: Buffer };

export type AlgorithmPki = {
  algorithm: PkiAlgorithm;
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
  /** Valid for `hostname` (and `*.apps.` under it, and 127.0.0.1), issued by the intermediate. */
  leaf: IssuedCertificate;
  expiringSoon: IssuedCertificate;
  expired: IssuedCertificate;
  notYetValid: IssuedCertificate;
  wrongHost: IssuedCertificate;
  /** Self-signed, with the leaf's name and key. */
  selfSigned: IssuedCertificate;
  /** A member of staff's certificate: Chinese name, ID number, e-mail. */
  personal: IssuedCertificate;
  /** Leaf then intermediate, as a server presents it. */
  chainPem: string;
  /** The leaf alone: its intermediate is missing. */
  brokenChainPem: string;
  /** Leaf, its key, intermediate and root, with OpenSSL 3's default AES-256-CBC / HMAC-SHA256. */
  p12Path: string;
};

export type TestPki = Record<PkiAlgorithm, AlgorithmPki> & {
  dir: string;
  /** The instant every validity period is placed around; verify at this time. */
  now: Date;
  hostname: string;
  person: { name: string; idNumber: string; email: string };
  p12Password: string;
  /** Holds the password and a trailing newline, as `echo` writes it. */
  passwordFile: string;
  wrongPasswordFile: string;
  cleanup: () => Promise<void>;
};

const day = 86_400_000;
const hostname = 'svc.example.gov.cn';
const person = { name: '张三', idNumber: '110101199003071234', email: 'zhangsan@example.gov.cn' };
const p12Password = 'GovOps-test-p12';

/** True when tests must be skipped: openssl is missing outside CI. In CI a missing openssl fails. */
export function skipWithoutOpenssl(): boolean {
  if (spawnSync('openssl', ['version']).status === 0) return false;
  if (process.env['CI']) throw new Error('the openssl CLI is required in CI for certificate tests');
  console.warn('skipping certificate tests: the openssl CLI is not installed (CI runs them)');
  return true;
}

export async function createTestPki(options: { now?: Date } = {}): Promise<TestPki> {
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const dir = await mkdtemp(join(tmpdir(), 'govops-pki-'));
  const passwordFile = join(dir, 'p12-password.txt');
  const wrongPasswordFile = join(dir, 'wrong-password.txt');
  await writeFile(passwordFile, `${p12Password}\n`);
  await writeFile(wrongPasswordFile, 'not-the-password\n');
  const [rsa, ecdsa, sm2] = await Promise.all(
    pkiAlgorithms.map((algorithm) => createAlgorithmPki(join(dir, algorithm), algorithm, now, passwordFile)),
  );
  return {
    dir,
    now,
    hostname,
    person,
    p12Password,
    passwordFile,
    wrongPasswordFile,
    rsa: rsa!,
    ecdsa: ecdsa!,
    sm2: sm2!,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

const caSettings = caConfig({
  person,
  leafProfiles: `
[leaf_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:${hostname},DNS:*.apps.${hostname},IP:127.0.0.1
[wrong_host_ext]
basicConstraints = critical,CA:false
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:other.example.org
[self_signed_ext]
basicConstraints = critical,CA:false
extendedKeyUsage = serverAuth
subjectAltName = DNS:${hostname}`,
});

type Variant = 'leaf' | 'expiringSoon' | 'expired' | 'notYetValid' | 'wrongHost' | 'selfSigned' | 'personal';

/** Subject, extensions section, validity in days around `now`, and who signs (the intermediate unless self). */
const server = `/C=CN/O=某某厅/CN=${hostname}`;
const variants: Record<Variant, { subject: string; profile: string; days: [number, number]; self?: true }> = {
  leaf: { subject: server, profile: 'leaf_ext', days: [-30, 365] },
  expiringSoon: { subject: server, profile: 'leaf_ext', days: [-360, 5] },
  expired: { subject: server, profile: 'leaf_ext', days: [-400, -10] },
  notYetValid: { subject: server, profile: 'leaf_ext', days: [10, 400] },
  wrongHost: { subject: '/C=CN/O=某某厅/CN=other.example.org', profile: 'wrong_host_ext', days: [-30, 365] },
  selfSigned: { subject: server, profile: 'self_signed_ext', days: [-1, 365], self: true },
  personal: {
    subject: `/C=CN/O=某某市人民政府/CN=${person.name}/serialNumber=${person.idNumber}`,
    profile: 'personal_ext',
    days: [-30, 730],
  },
};

async function createAlgorithmPki(
  dir: string,
  algorithm: PkiAlgorithm,
  now: Date,
  passwordFile: string,
): Promise<AlgorithmPki> {
  await mkdir(join(dir, 'db'), { recursive: true });
  await writeFile(join(dir, 'db', 'index.txt'), '');
  await writeFile(join(dir, 'db', 'serial'), randomBytes(8).toString('hex').replace(/^./, '1'));
  await writeFile(join(dir, 'ca.cnf'), caSettings);
  const openssl = (...args: string[]) => runOpenssl(args, dir);
  const at = (days: number) => asn1Time(new Date(now.getTime() + days * day));

  const newKey = async (name: string) => {
    await openssl('genpkey', ...keyOptions[algorithm], '-out', `${name}.key`);
    return join(dir, `${name}.key`);
  };
  const issue = async (
    name: string,
    { subject, profile, days: [from, until] }: { subject: string; profile: string; days: [number, number] },
    key: string,
    issuer: IssuedCertificate | 'self',
  ): Promise<IssuedCertificate> => {
    const [csr, certPath] = [join(dir, `${name}.csr`), join(dir, `${name}.pem`)];
    const request = words('req -new -config ca.cnf -utf8 -key');
    await openssl(...request, key, ...requestOptions[algorithm], '-subj', subject, '-out', csr);
    const signer =
      issuer === 'self' ? ['-selfsign', '-keyfile', key] : ['-cert', issuer.certPath, '-keyfile', issuer.keyPath];
    const options = [...signOptions[algorithm], ...signer, '-extfile', 'ca.cnf', '-extensions', profile];
    const validity = ['-startdate', at(from), '-enddate', at(until)];
    const files = ['-in', csr, '-out', certPath];
    await openssl(...words('ca -batch -config ca.cnf -notext -preserveDN -utf8'), ...options, ...validity, ...files);
    const pem = await readFile(certPath, 'utf8');
    return { certPath, keyPath: key, pem, der: pemToDer(pem) };
  };

  const name = `/C=CN/O=GovOps Test ${algorithm.toUpperCase()}/CN=GovOps Test ${algorithm.toUpperCase()}`;
  const rootSpec = { subject: `${name} Root CA`, profile: 'root_ext', days: [-365, 3650] as [number, number] };
  const root = await issue('root', rootSpec, await newKey('root'), 'self');
  const issuingSpec = {
    subject: `${name} Issuing CA`,
    profile: 'intermediate_ext',
    days: [-300, 1825] as [number, number],
  };
  const intermediate = await issue('intermediate', issuingSpec, await newKey('intermediate'), root);
  const leafKey = await newKey('leaf');
  const issued = {} as Record<Variant, IssuedCertificate>;
  // One after the other: `openssl ca` keeps its serial and index in files it does not lock.
  for (const [variant, spec] of Object.entries(variants) as [Variant, (typeof variants)[Variant]][]) {
    issued[variant] = await issue(variant, spec, leafKey, spec.self ? 'self' : intermediate);
  }
  await writeFile(join(dir, 'ca-chain.pem'), intermediate.pem + root.pem);
  const bundle = ['-in', issued.leaf.certPath, '-inkey', leafKey, '-certfile', 'ca-chain.pem', '-name', 'leaf'];
  await openssl('pkcs12', '-export', ...bundle, '-passout', `file:${passwordFile}`, '-out', 'leaf.p12');
  return {
    algorithm,
    root,
    intermediate,
    ...issued,
    chainPem: issued.leaf.pem + intermediate.pem,
    brokenChainPem: issued.leaf.pem,
    p12Path: join(dir, 'leaf.p12'),
  };
}

function words(command: string): string[] {
  return command.split(' ');
}

export function pemToDer(pem: string): Buffer {
  const body = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(pem)?.[1] ?? '';
  return Buffer.from(body.replace(/\s+/g, ''), 'base64');
}
