import { spawnSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
} from './openssl-ca.ts';

/**
 * The demo agent's certificates, made once with the OpenSSL CLI (as department CAs make theirs) and
 * kept under `<dir>`:
 *
 *   roots/<alg>-root.pem        the three roots, added to the console as trust anchors
 *   server/<alg>-<variant>.pem  leaf + issuing CA, as a server presents them: a valid one, one that
 *                               expires within 7 days and one that expired, for RSA, ECDSA and SM2
 *   personal/staff-sm2.pem      a member of staff's SM2 certificate (Chinese name, ID number)
 *   ca/<alg>/                   keys and `openssl ca` bookkeeping; not scanned by the agent
 *
 * The personal certificate is issued by the SM2 root itself and kept alone in its folder: every
 * certificate of a personal source is redacted as personal, so an issuing CA in that folder would
 * lose its name in the inventory. Issued by the root, it still verifies against the anchors.
 *
 * Reused when present. The leaves are issued again once a day so the "expires within 7 days" one
 * keeps its window; the CAs (and so the console's trust anchors) stay the same.
 *
 * Its CA settings are shared with the tests' PKI (./openssl-ca.ts).
 */

export const demoAlgorithms = caAlgorithms;
export type DemoAlgorithm = CaAlgorithm;
export const leafVariants = ['valid', 'expiring', 'expired'] as const;
export type LeafVariant = (typeof leafVariants)[number];

export type DemoPki = {
  dir: string;
  /** Files source: leaf + issuing CA per file. */
  serverDir: string;
  /** Personal files source: the staff certificate alone. */
  personalDir: string;
  roots: { algorithm: DemoAlgorithm; name: string; pem: string }[];
  /** The RSA valid leaf, its issuing CA and key, for a TLS endpoint (valid for localhost and 127.0.0.1). */
  tls: { chainPem: string; keyPem: string; servername: string };
  /** What this call did. */
  made: 'everything' | 'leaves' | 'nothing';
};

const day = 86_400_000;
/** Leaves older than this are issued again, so "expiring" stays within its 7-day window. */
const leafRefreshMs = day;
const manifestVersion = 1;
const organisation = '安徽省数据资源管理局（演示）';
const person = { name: '张三', idNumber: '340104199003071234' };

/** Host names of the leaves; the RSA valid leaf also serves the demo's TLS endpoint. */
const leafHosts: Record<DemoAlgorithm, Record<LeafVariant, string>> = {
  rsa: { valid: 'portal.example.gov.cn', expiring: 'mail.example.gov.cn', expired: 'legacy.example.gov.cn' },
  ecdsa: { valid: 'api.example.gov.cn', expiring: 'vpn.example.gov.cn', expired: 'old-api.example.gov.cn' },
  sm2: { valid: 'zwfw.example.gov.cn', expiring: 'oa.example.gov.cn', expired: 'old-oa.example.gov.cn' },
};
/** Validity in days around now. */
const leafDays: Record<LeafVariant, [number, number]> = {
  valid: [-30, 365],
  expiring: [-360, 5],
  expired: [-400, -10],
};

const caSettings = caConfig({
  person: { email: 'zhangsan@example.gov.cn', idNumber: person.idNumber },
  leafProfiles: `
[leaf_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:$ENV::LEAF_HOST,DNS:localhost,IP:127.0.0.1`,
});

/** Why the OpenSSL CLI cannot make the demo's certificates, or null when it can (SM2 included). */
export function opensslUnavailableReason(): string | null {
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return 'the openssl command is not installed';
  const sm2 = spawnSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2'], {
    encoding: 'utf8',
  });
  if (sm2.status !== 0) return `${version.stdout.trim()} cannot make SM2 keys (OpenSSL 1.1.1 or later is needed)`;
  return null;
}

type Manifest = { version: number; caCreatedAt: string; leavesIssuedAt: string };

/** Makes the demo PKI under `dir`, or reuses it (see above). */
export async function ensureDemoPki(dir: string, now: Date = new Date()): Promise<DemoPki> {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = await readManifest(dir);
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  let made: DemoPki['made'] = 'nothing';
  if (!manifest) {
    await rm(dir, { recursive: true, force: true });
    await Promise.all(demoAlgorithms.map((algorithm) => makeCa(dir, algorithm, at)));
    await issueLeaves(dir, at);
    await writeFile(
      manifestPath,
      JSON.stringify({ version: manifestVersion, caCreatedAt: at.toISOString(), leavesIssuedAt: at.toISOString() }),
    );
    made = 'everything';
  } else if (now.getTime() - Date.parse(manifest.leavesIssuedAt) > leafRefreshMs) {
    await issueLeaves(dir, at);
    await writeFile(manifestPath, JSON.stringify({ ...manifest, leavesIssuedAt: at.toISOString() }));
    made = 'leaves';
  }
  const roots = await Promise.all(
    demoAlgorithms.map(async (algorithm) => ({
      algorithm,
      name: `演示 ${algorithm.toUpperCase()} 根 CA (demo agent)`,
      pem: await readFile(join(dir, 'roots', `${algorithm}-root.pem`), 'utf8'),
    })),
  );
  return {
    dir,
    serverDir: join(dir, 'server'),
    personalDir: join(dir, 'personal'),
    roots,
    tls: {
      chainPem: await readFile(join(dir, 'server', 'rsa-valid.pem'), 'utf8'),
      keyPem: await readFile(join(dir, 'ca', 'rsa', 'leaf.key'), 'utf8'),
      servername: 'localhost',
    },
    made,
  };
}

/** The manifest when every file the demo needs is there; null means "make everything". */
async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.version !== manifestVersion || Number.isNaN(Date.parse(manifest.leavesIssuedAt))) return null;
    for (const algorithm of demoAlgorithms) {
      new X509Certificate(await readFile(join(dir, 'roots', `${algorithm}-root.pem`)));
      new X509Certificate(await readFile(join(dir, 'ca', algorithm, 'intermediate.pem')));
    }
    return manifest;
  } catch {
    return null;
  }
}

async function makeCa(dir: string, algorithm: DemoAlgorithm, now: Date): Promise<void> {
  const ca = join(dir, 'ca', algorithm);
  await mkdir(join(ca, 'db'), { recursive: true });
  await mkdir(join(dir, 'roots'), { recursive: true });
  await writeFile(join(ca, 'db', 'index.txt'), '');
  await writeFile(join(ca, 'db', 'serial'), randomBytes(8).toString('hex').replace(/^./, '1'));
  await writeFile(join(ca, 'ca.cnf'), caSettings);
  const name = `/C=CN/O=${organisation}/CN=演示 ${algorithm.toUpperCase()}`;
  await newKey(ca, algorithm, 'root');
  await issue(ca, algorithm, now, {
    name: 'root',
    subject: `${name} 根 CA`,
    profile: 'root_ext',
    days: [-365, 3650],
    key: 'root',
    signer: 'self',
  });
  await newKey(ca, algorithm, 'intermediate');
  await issue(ca, algorithm, now, {
    name: 'intermediate',
    subject: `${name} 服务器证书 CA`,
    profile: 'intermediate_ext',
    days: [-300, 1825],
    key: 'intermediate',
    signer: 'root',
  });
  await writeFile(join(dir, 'roots', `${algorithm}-root.pem`), await readFile(join(ca, 'root.pem')));
}

/** Every leaf, issued now: three per algorithm and the personal one. */
async function issueLeaves(dir: string, now: Date): Promise<void> {
  await mkdir(join(dir, 'server'), { recursive: true });
  await mkdir(join(dir, 'personal'), { recursive: true });
  await Promise.all(
    demoAlgorithms.map(async (algorithm) => {
      const ca = join(dir, 'ca', algorithm);
      await newKey(ca, algorithm, 'leaf');
      const intermediate = await readFile(join(ca, 'intermediate.pem'), 'utf8');
      // One after the other: `openssl ca` keeps its serial and index in files it does not lock.
      for (const variant of leafVariants) {
        const host = leafHosts[algorithm][variant];
        const pem = await issue(ca, algorithm, now, {
          name: `leaf-${variant}`,
          subject: `/C=CN/O=${organisation}/CN=${host}`,
          profile: 'leaf_ext',
          days: leafDays[variant],
          key: 'leaf',
          signer: 'intermediate',
          env: { LEAF_HOST: host },
        });
        await writeFile(join(dir, 'server', `${algorithm}-${variant}.pem`), pem + intermediate);
      }
      if (algorithm === 'sm2') {
        await newKey(ca, algorithm, 'personal');
        const pem = await issue(ca, algorithm, now, {
          name: 'personal',
          subject: `/C=CN/O=${organisation}/CN=${person.name}/serialNumber=${person.idNumber}`,
          profile: 'personal_ext',
          days: [-30, 730],
          key: 'personal',
          signer: 'root',
        });
        await writeFile(join(dir, 'personal', 'staff-sm2.pem'), pem);
      }
    }),
  );
}

async function newKey(ca: string, algorithm: DemoAlgorithm, name: string): Promise<void> {
  await runOpenssl(['genpkey', ...keyOptions[algorithm], '-out', `${name}.key`], ca);
}

/** Issues `<name>.pem` in the CA folder with exact dates (`openssl ca`; `x509 -req` dates from now only). */
async function issue(
  ca: string,
  algorithm: DemoAlgorithm,
  now: Date,
  spec: {
    name: string;
    subject: string;
    profile: string;
    days: [number, number];
    key: string;
    signer: 'self' | 'root' | 'intermediate';
    env?: Record<string, string>;
  },
): Promise<string> {
  const at = (days: number) => asn1Time(new Date(now.getTime() + days * day));
  const env = { LEAF_HOST: 'localhost', ...spec.env };
  const csr = `${spec.name}.csr`;
  await runOpenssl(
    ['req', '-new', '-config', 'ca.cnf', '-utf8', '-key', `${spec.key}.key`, ...requestOptions[algorithm]].concat([
      '-subj',
      spec.subject,
      '-out',
      csr,
    ]),
    ca,
    env,
  );
  const signer =
    spec.signer === 'self'
      ? ['-selfsign', '-keyfile', `${spec.key}.key`]
      : ['-cert', `${spec.signer}.pem`, '-keyfile', `${spec.signer}.key`];
  await runOpenssl(
    ['ca', '-batch', '-config', 'ca.cnf', '-notext', '-preserveDN', '-utf8', ...signOptions[algorithm], ...signer]
      .concat(['-extfile', 'ca.cnf', '-extensions', spec.profile])
      .concat(['-startdate', at(spec.days[0]), '-enddate', at(spec.days[1]), '-in', csr, '-out', `${spec.name}.pem`]),
    ca,
    env,
  );
  return readFile(join(ca, `${spec.name}.pem`), 'utf8');
}
