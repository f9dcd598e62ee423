import type { CertificateObservation } from './contracts/agent.ts';

/**
 * Certificate figures for the inventory: how soon each certificate expires, and how far each
 * department has moved to SM2 since the RA's algorithm upgrade (the share operators are asked for).
 */

export const expiryWindows = ['expired', '7d', '30d', 'valid'] as const;
export type ExpiryWindow = (typeof expiryWindows)[number];

export const algorithmFamilies = ['sm2', 'rsa', 'ecdsa', 'other'] as const;
export type AlgorithmFamily = (typeof algorithmFamilies)[number];

const dayMs = 86_400_000;

/**
 * The expiry window of a certificate at `now`: 'expired' once past notAfter (notAfter itself is
 * still valid, RFC 5280 §4.1.2.5), '7d' with at most 7 days left, '30d' with at most 30. A
 * certificate not yet valid is classed by its notAfter too: it will need renewing all the same.
 */
export function expiryWindowOf(notAfter: Date | string, now: Date): ExpiryWindow {
  const end = typeof notAfter === 'string' ? Date.parse(notAfter) : notAfter.getTime();
  if (Number.isNaN(end)) throw new RangeError(`notAfter is not a timestamp: ${String(notAfter)}`);
  const left = end - now.getTime();
  if (left < 0) return 'expired';
  if (left <= 7 * dayMs) return '7d';
  if (left <= 30 * dayMs) return '30d';
  return 'valid';
}

/** SM2 public keys are id-ecPublicKey on this named curve; SM2-with-SM3 signatures carry this OID. */
const sm2CurveOid = '1.2.156.10197.1.301';
const sm2WithSm3Oid = '1.2.156.10197.1.501';

const rsaNames = new Set([
  'rsa',
  'rsa-pss',
  'rsassa-pss',
  'rsaencryption',
  '1.2.840.113549.1.1.1',
  '1.2.840.113549.1.1.10',
]);
const ecNames = new Set(['ec', 'ecdsa', 'id-ecpublickey', '1.2.840.10045.2.1']);

function isSm2(name: string): boolean {
  // Names vary by tool: "sm2", "SM2-with-SM3", "SM3withSM2", "sm2sign-with-sm3", or the bare OIDs.
  return name.includes('sm2') || name === sm2CurveOid || name === sm2WithSm3Oid;
}

function familyOfKey(name: string): AlgorithmFamily {
  if (rsaNames.has(name)) return 'rsa';
  if (ecNames.has(name)) return 'ecdsa';
  return 'other';
}

function familyOfSignature(name: string): AlgorithmFamily {
  if (name.includes('rsa')) return 'rsa';
  if (name.includes('ecdsa')) return 'ecdsa';
  return 'other';
}

/**
 * The algorithm family a certificate counts under. SM2 when its key is SM2 (by name, or an EC key
 * on the SM2 curve) or it is signed SM2-with-SM3; otherwise by its key, and by its signature only
 * when the key is one this console does not name (an OID the agent could not resolve).
 */
export function algorithmFamilyOf(cert: {
  keyAlgorithm: string;
  signatureAlgorithm: string;
  curve?: string;
}): AlgorithmFamily {
  const key = cert.keyAlgorithm.trim().toLowerCase();
  const signature = cert.signatureAlgorithm.trim().toLowerCase();
  const curve = cert.curve?.trim().toLowerCase() ?? '';
  if (isSm2(key) || isSm2(signature) || isSm2(curve)) return 'sm2';
  const byKey = familyOfKey(key);
  return byKey !== 'other' ? byKey : familyOfSignature(signature);
}

export type CertificateForMix = Pick<CertificateObservation, 'keyAlgorithm' | 'signatureAlgorithm'> & {
  /** ISO as observed, or a Date as the store returns it. */
  notAfter: string | Date;
  department?: string | null;
  curve?: string;
  /** When given, one certificate seen by several sources or chains is counted once per department. */
  fingerprintSha256?: string;
};

export type CertificateMix = {
  total: number;
  byWindow: Record<ExpiryWindow, number>;
  byFamily: Record<AlgorithmFamily, number>;
  /** sm2 / total; null when there are no certificates. */
  sm2Share: number | null;
};

export type DepartmentCertificateMix = CertificateMix & {
  /** Department code; null gathers certificates whose source names no department. */
  department: string | null;
};

function emptyMix(): CertificateMix {
  return {
    total: 0,
    byWindow: { expired: 0, '7d': 0, '30d': 0, valid: 0 },
    byFamily: { sm2: 0, rsa: 0, ecdsa: 0, other: 0 },
    sm2Share: null,
  };
}

function add(mix: CertificateMix, window: ExpiryWindow, family: AlgorithmFamily): void {
  mix.total += 1;
  mix.byWindow[window] += 1;
  mix.byFamily[family] += 1;
  mix.sm2Share = mix.byFamily.sm2 / mix.total;
}

/** Department codes in code-point order (stable across locales), the unassigned bucket last. */
function byDepartmentCode(a: { department: string | null }, b: { department: string | null }): number {
  if (a.department === b.department) return 0;
  if (a.department === null) return 1;
  if (b.department === null) return -1;
  return a.department < b.department ? -1 : 1;
}

/**
 * Expiry windows and algorithm families per department and for the province. Departments come
 * sorted by code, certificates without a department last. A fingerprint seen in two departments
 * counts in each, and once in the province.
 */
export function certificateMix(
  certs: readonly CertificateForMix[],
  now: Date,
): { departments: DepartmentCertificateMix[]; province: CertificateMix } {
  const province = emptyMix();
  const byDepartment = new Map<string | null, CertificateMix>();
  const seenInProvince = new Set<string>();
  const seenInDepartment = new Set<string>();
  for (const cert of certs) {
    const department = cert.department ?? null;
    const fingerprint = cert.fingerprintSha256;
    // JSON of the pair keeps "a" + "b|c" apart from "a|b" + "c" whatever characters codes hold.
    const departmentKey = JSON.stringify([department, fingerprint]);
    if (fingerprint !== undefined && seenInDepartment.has(departmentKey)) continue;
    const window = expiryWindowOf(cert.notAfter, now);
    const family = algorithmFamilyOf(cert);
    let mix = byDepartment.get(department);
    if (!mix) byDepartment.set(department, (mix = emptyMix()));
    add(mix, window, family);
    if (fingerprint === undefined) {
      add(province, window, family);
      continue;
    }
    seenInDepartment.add(departmentKey);
    if (!seenInProvince.has(fingerprint)) add(province, window, family);
    seenInProvince.add(fingerprint);
  }
  const departments = [...byDepartment].map(([department, mix]) => ({ department, ...mix })).sort(byDepartmentCode);
  return { departments, province };
}
