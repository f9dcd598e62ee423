import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Name } from '@peculiar/asn1-x509';
import {
  distinguishedName,
  generateSigningKey,
  mintAlgorithms,
  mintCertificate,
  opensslKey,
  signingKeyFromPem,
  toPem,
  type CertificateProfile,
  type Issuer,
  type MintAlgorithm,
  type SigningKey,
} from './cert-fixture-mint.ts';

/**
 * A directory of certificates shaped like the extranet CA's inventory, for benchmarks: three roots
 * (SM2, RSA 2048, ECDSA P-256) made with OpenSSL keys, four issuing CAs, and leafs minted in-process
 * — 60 % SM2, 30 % RSA, 10 % ECDSA; about a third personal (staff certificates with a name and
 * ID number); a share expired, expiring within 30 days, not yet valid and self-signed; as DER
 * files, PEM files and PEM bundles of leaf plus issuing CA. Deterministic mix (seeded), fresh keys.
 *
 * Cached under os.tmpdir() by version and size, so only the first run pays for minting. Validity
 * dates are placed around the generation time, which the manifest records: scan "as of" that
 * instant and the verdicts are the same on every run.
 */

/** Bump when the mix or layout changes, so stale caches are not reused. */
export const fixtureVersion = 'v1';

export type FixtureManifest = {
  version: string;
  generatedAt: string;
  leafs: number;
  files: number;
  /** Certificate blocks in the scanned tree: leafs, bundled issuing CAs, CA files. */
  certificates: number;
  byAlgorithm: Record<MintAlgorithm, number>;
  personal: number;
  expired: number;
  expiringSoon: number;
  notYetValid: number;
  selfSigned: number;
  bundles: number;
  derFiles: number;
  caCertificates: number;
  /** Observations a correct scan reports as chain-verified. */
  expectedVerified: number;
  generationSeconds: number;
};

export type ExtranetCertificates = {
  /** The tree to scan. */
  dir: string;
  /** The three roots, one PEM file each, outside the scanned tree. */
  anchorFiles: string[];
  anchorsPem: string[];
  /** The instant the validity periods are placed around: verify as of this time. */
  now: Date;
  manifest: FixtureManifest;
};

const day = 86_400_000;

export async function extranetCertificates({
  leafs,
  log = () => {},
}: {
  leafs: number;
  log?: (line: string) => void;
}): Promise<ExtranetCertificates> {
  const cache = join(tmpdir(), `govops-bench-certs-${fixtureVersion}-${leafs}`);
  if (!existsSync(join(cache, 'manifest.json'))) {
    const partial = `${cache}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    try {
      log(`minting ${leafs} certificates into ${cache} (cached for later runs)…`);
      await generate(partial, leafs, log);
      await rename(partial, cache).catch(async (error: NodeJS.ErrnoException) => {
        if (!existsSync(join(cache, 'manifest.json'))) throw error; // another run finished first: use that
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  const manifest = JSON.parse(await readFile(join(cache, 'manifest.json'), 'utf8')) as FixtureManifest;
  const anchorFiles = mintAlgorithms.map((a) => join(cache, 'anchors', `${a}-root.pem`));
  return {
    dir: join(cache, 'certs'),
    anchorFiles,
    anchorsPem: await Promise.all(anchorFiles.map((f) => readFile(f, 'utf8'))),
    now: new Date(manifest.generatedAt),
    manifest,
  };
}

const departments = [
  '省财政厅',
  '省公安厅',
  '省教育厅',
  '省卫生健康委员会',
  '省人力资源和社会保障厅',
  '省自然资源厅',
  '省生态环境厅',
  '省住房和城乡建设厅',
  '省交通运输厅',
  '省水利厅',
  '省农业农村厅',
  '省商务厅',
  '省市场监督管理局',
  '省统计局',
  '省医疗保障局',
  '省数据资源管理局',
];
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const givenNames = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯欣怡晨';

type Status = 'valid' | 'expiringSoon' | 'expired' | 'notYetValid' | 'selfSigned';

async function generate(root: string, leafs: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const at = (days: number) => new Date(now.getTime() + Math.round(days * day));
  const random = mulberry32(20_180_678);
  const between = (low: number, high: number) => low + random() * (high - low);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  // CA keys from the OpenSSL CLI, as department CAs make them.
  await mkdir(join(root, 'keys'), { recursive: true });
  await mkdir(join(root, 'anchors'), { recursive: true });
  await mkdir(join(root, 'certs', 'ca'), { recursive: true });
  const caKeyNames = [
    'sm2-root',
    'rsa-root',
    'ecdsa-root',
    'sm2-server',
    'sm2-personal',
    'rsa-issuing',
    'ecdsa-issuing',
  ];
  const caKeys = new Map<string, SigningKey>();
  await Promise.all(
    caKeyNames.map(async (name) => {
      const algorithm = name.split('-')[0] as MintAlgorithm;
      caKeys.set(name, signingKeyFromPem(algorithm, await opensslKey(algorithm, join(root, 'keys', `${name}.key`))));
    }),
  );
  const org = '某省电子政务外网';
  const caFiles: { path: string; pem: string }[] = [];
  const roots = {} as Record<MintAlgorithm, Issuer>;
  for (const algorithm of mintAlgorithms) {
    const name = distinguishedName([
      ['C', 'CN'],
      ['O', org],
      ['CN', `${org} ${algorithm.toUpperCase()} 根 CA`],
    ]);
    const key = caKeys.get(`${algorithm}-root`)!;
    const der = mintCertificate({
      subject: name,
      subjectKey: key,
      notBefore: at(-5 * 365),
      notAfter: at(15 * 365),
      profile: { kind: 'root' },
    });
    roots[algorithm] = { name, key };
    await writeFile(join(root, 'anchors', `${algorithm}-root.pem`), toPem(der));
    caFiles.push({ path: join('ca', `${algorithm}-root.pem`), pem: toPem(der) });
  }
  const issuing = (keyName: string, algorithm: MintAlgorithm, label: string) => {
    const name = distinguishedName([
      ['C', 'CN'],
      ['O', org],
      ['CN', `${org} ${label}`],
    ]);
    const key = caKeys.get(keyName)!;
    const der = mintCertificate({
      subject: name,
      subjectKey: key,
      issuer: roots[algorithm],
      notBefore: at(-3 * 365),
      notAfter: at(7 * 365),
      profile: { kind: 'issuing-ca' },
    });
    caFiles.push({ path: join('ca', `${keyName}-ca.pem`), pem: toPem(der) });
    return { issuer: { name, key } satisfies Issuer, pem: toPem(der) };
  };
  const issuers = {
    sm2Server: issuing('sm2-server', 'sm2', 'SM2 服务器证书 CA'),
    sm2Personal: issuing('sm2-personal', 'sm2', 'SM2 个人证书 CA'),
    rsa: issuing('rsa-issuing', 'rsa', 'RSA 证书 CA'),
    ecdsa: issuing('ecdsa-issuing', 'ecdsa', 'ECDSA 证书 CA'),
  };
  for (const { path, pem } of caFiles) await writeFile(join(root, 'certs', path), pem);

  // Leafs' own keys never sign anything a scan checks (bar the self-signed few): a small pool each.
  const pools: Record<MintAlgorithm, SigningKey[]> = {
    sm2: Array.from({ length: 32 }, () => generateSigningKey('sm2')),
    ecdsa: Array.from({ length: 32 }, () => generateSigningKey('ecdsa')),
    rsa: Array.from({ length: 8 }, () => generateSigningKey('rsa')),
  };

  const manifest: FixtureManifest = {
    version: fixtureVersion,
    generatedAt: now.toISOString(),
    leafs,
    files: caFiles.length,
    certificates: caFiles.length,
    byAlgorithm: { sm2: 0, rsa: 0, ecdsa: 0 },
    personal: 0,
    expired: 0,
    expiringSoon: 0,
    notYetValid: 0,
    selfSigned: 0,
    bundles: 0,
    derFiles: 0,
    caCertificates: caFiles.length,
    expectedVerified: caFiles.length,
    generationSeconds: 0,
  };
  const madeDirs = new Set<string>();
  const counters = new Map<string, number>();
  for (let i = 0; i < leafs; i++) {
    const r = random();
    const algorithm: MintAlgorithm = r < 0.6 ? 'sm2' : r < 0.9 ? 'rsa' : 'ecdsa';
    const personal = random() < { sm2: 0.5, rsa: 0.2, ecdsa: 0 }[algorithm];
    const s = random();
    let status: Status =
      s < 0.01 ? 'selfSigned' : s < 0.02 ? 'notYetValid' : s < 0.1 ? 'expired' : s < 0.15 ? 'expiringSoon' : 'valid';
    if (personal && status === 'selfSigned') status = 'valid';
    const [notBefore, notAfter] = validity(status, at, between);
    const department = Math.floor(random() * departments.length);
    const issuer = algorithm === 'sm2' ? (personal ? issuers.sm2Personal : issuers.sm2Server) : issuers[algorithm];
    let subject: Name;
    let profile: CertificateProfile;
    if (personal) {
      const name = pick([...surnames]) + pick([...givenNames]) + (random() < 0.6 ? pick([...givenNames]) : '');
      const idNumber = fakeIdNumber(between);
      subject = distinguishedName([
        ['C', 'CN'],
        ['O', departments[department]!],
        ['CN', name],
        ['serialNumber', idNumber],
      ]);
      profile = { kind: 'personal', email: `u${i}@d${department}.example.gov.cn`, idNumber };
    } else {
      const host = `svc-${i}.d${department}.example.gov.cn`;
      const dns = random() < 0.3 ? [host, `www.${host}`, `api.${host}`] : [host];
      subject = distinguishedName([
        ['C', 'CN'],
        ['ST', '某省'],
        ['O', departments[department]!],
        ['OU', '信息中心'],
        ['CN', host],
      ]);
      profile =
        status === 'selfSigned'
          ? { kind: 'self-signed', dns }
          : { kind: 'server', dns, ips: random() < 0.3 ? [`10.${department}.${(i >> 8) & 255}.${i & 255}`] : [] };
    }
    const der = mintCertificate({
      subject,
      subjectKey: pick(pools[algorithm]),
      ...(status === 'selfSigned' ? {} : { issuer: issuer.issuer }),
      notBefore,
      notAfter,
      profile,
    });

    const format = fileFormat(personal, status, random());
    const group = join(personal ? 'personal' : 'servers', algorithm);
    const n = counters.get(group) ?? 0;
    counters.set(group, n + 1);
    const extension = format === 'der' ? 'cer' : format === 'bundle' ? 'fullchain.pem' : personal ? 'pem' : 'crt';
    const path = join(root, 'certs', group, String(Math.floor(n / 500)).padStart(3, '0'), `${i}.${extension}`);
    if (!madeDirs.has(dirname(path))) {
      await mkdir(dirname(path), { recursive: true });
      madeDirs.add(dirname(path));
    }
    await writeFile(path, format === 'der' ? der : format === 'bundle' ? toPem(der) + issuer.pem : toPem(der));

    manifest.files++;
    manifest.certificates += format === 'bundle' ? 2 : 1;
    manifest.byAlgorithm[algorithm]++;
    if (personal) manifest.personal++;
    if (status !== 'valid') manifest[status]++;
    if (format === 'bundle') manifest.bundles++;
    if (format === 'der') manifest.derFiles++;
    manifest.expectedVerified +=
      (status === 'valid' || status === 'expiringSoon' ? 1 : 0) + (format === 'bundle' ? 1 : 0);
    if ((i + 1) % 2000 === 0) log(`  ${i + 1} of ${leafs}`);
  }
  manifest.generationSeconds = (performance.now() - started) / 1000;
  await writeFile(join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function validity(
  status: Status,
  at: (days: number) => Date,
  between: (low: number, high: number) => number,
): [Date, Date] {
  switch (status) {
    case 'expiringSoon': {
      const until = between(1, 29);
      return [at(until - 365), at(until)];
    }
    case 'expired': {
      const until = -between(1, 400);
      return [at(until - 730), at(until)];
    }
    case 'notYetValid': {
      const from = between(1, 30);
      return [at(from), at(from + 365)];
    }
    default:
      return [at(-between(1, 700)), at(between(31, 730))];
  }
}

/** Shaped like a resident ID number (region 34…, born 1960–99), not a real one: no check digit. */
function fakeIdNumber(between: (low: number, high: number) => number): string {
  const digits = (low: number, high: number, width: number) =>
    String(Math.floor(between(low, high))).padStart(width, '0');
  return `34${digits(0, 1e4, 4)}19${digits(60, 100, 2)}${digits(1, 13, 2)}${digits(1, 29, 2)}${digits(0, 1e4, 4)}`;
}

/** Personal certificates mostly come exported from USB keys as DER; servers keep PEM, often with the chain. */
function fileFormat(personal: boolean, status: Status, draw: number): 'der' | 'pem' | 'bundle' {
  if (personal) return draw < 0.7 ? 'der' : 'pem';
  if (draw < 0.15 && status !== 'selfSigned') return 'bundle';
  return draw < 0.5 ? 'der' : 'pem';
}

/** A small seeded generator, so every cache holds the same mix. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
