import { describe, expect, it } from 'vitest';
import {
  type AlgorithmFamily,
  type CertificateForMix,
  type ExpiryWindow,
  algorithmFamilyOf,
  certificateMix,
  expiryWindowOf,
} from './cert-windows.ts';

const now = new Date('2025-06-01T00:00:00.000Z');
const day = 86_400_000;
const after = (ms: number) => new Date(now.getTime() + ms);

describe('expiryWindowOf', () => {
  const cases: [string, Date | string, ExpiryWindow][] = [
    ['expired a year ago', after(-365 * day), 'expired'],
    ['expired a millisecond ago', after(-1), 'expired'],
    ['expiring this very instant (notAfter is inclusive)', now, '7d'],
    ['exactly 7 days left', after(7 * day), '7d'],
    ['7 days and a millisecond left', after(7 * day + 1), '30d'],
    ['exactly 30 days left', after(30 * day), '30d'],
    ['30 days and a millisecond left', after(30 * day + 1), 'valid'],
    ['two years left', after(730 * day), 'valid'],
    ['an ISO string, 3 days left', '2025-06-04T00:00:00Z', '7d'],
    ['an ISO string with an offset, 7 days left to the millisecond', '2025-06-08T08:00:00+08:00', '7d'],
  ];
  it.each(cases)('%s → %s', (_name, notAfter, expected) => {
    expect(expiryWindowOf(notAfter, now)).toBe(expected);
  });

  // A certificate installed before its start date still has to be renewed by its end date.
  const notYetValid: { name: string; notBefore: Date; notAfter: Date; expected: ExpiryWindow }[] = [
    { name: 'short-lived, starting tomorrow', notBefore: after(day), notAfter: after(5 * day), expected: '7d' },
    { name: 'starting next month', notBefore: after(30 * day), notAfter: after(400 * day), expected: 'valid' },
  ];
  it.each(notYetValid)('not yet valid, $name → $expected', ({ notBefore, notAfter, expected }) => {
    expect(notBefore.getTime()).toBeGreaterThan(now.getTime());
    expect(expiryWindowOf(notAfter, now)).toBe(expected);
  });

  it('refuses a notAfter that is not a time', () => {
    expect(() => expiryWindowOf('next year', now)).toThrow(RangeError);
    expect(() => expiryWindowOf(new Date(Number.NaN), now)).toThrow(RangeError);
  });
});

describe('algorithmFamilyOf', () => {
  const cases: [string, string, string | undefined, AlgorithmFamily][] = [
    ['sm2', 'SM2-with-SM3', undefined, 'sm2'],
    ['ec', 'SM2-with-SM3', 'SM2', 'sm2'],
    ['ec', 'ecdsa-with-SHA256', 'SM2', 'sm2'],
    ['ec', 'SM2-with-SM3', undefined, 'sm2'],
    ['rsa', 'SM3withSM2', undefined, 'sm2'],
    ['1.2.156.10197.1.301', '1.2.156.10197.1.501', undefined, 'sm2'],
    ['ec', '1.2.156.10197.1.501', undefined, 'sm2'],
    ['rsa', 'sha256WithRSAEncryption', undefined, 'rsa'],
    ['RSA', 'SHA256WITHRSAENCRYPTION', undefined, 'rsa'],
    ['rsa-pss', 'rsassaPss', undefined, 'rsa'],
    ['1.2.840.113549.1.1.1', 'sha1WithRSAEncryption', undefined, 'rsa'],
    ['rsa', 'ecdsa-with-SHA384', undefined, 'rsa'],
    ['ec', 'ecdsa-with-SHA256', 'prime256v1', 'ecdsa'],
    ['ec', 'sha256WithRSAEncryption', 'secp384r1', 'ecdsa'],
    ['1.3.6.1.4.1.99999.1', 'sha256WithRSAEncryption', undefined, 'rsa'],
    ['1.3.6.1.4.1.99999.1', 'ecdsa-with-SHA512', undefined, 'ecdsa'],
    ['ed25519', 'ED25519', undefined, 'other'],
    ['ed448', 'ED448', undefined, 'other'],
    ['dsa', 'dsa-with-sha256', undefined, 'other'],
  ];
  it.each(cases)('key %s, signature %s, curve %s → %s', (keyAlgorithm, signatureAlgorithm, curve, expected) => {
    expect(algorithmFamilyOf({ keyAlgorithm, signatureAlgorithm, curve })).toBe(expected);
  });
});

describe('certificateMix', () => {
  const sm2 = { keyAlgorithm: 'sm2', signatureAlgorithm: 'SM2-with-SM3' };
  const rsa = { keyAlgorithm: 'rsa', signatureAlgorithm: 'sha256WithRSAEncryption' };
  const ecdsa = { keyAlgorithm: 'ec', signatureAlgorithm: 'ecdsa-with-SHA256', curve: 'prime256v1' };
  const ends = (days: number) => after(days * day).toISOString();

  it('gives each department and the province its windows, families and SM2 share', () => {
    const certs: CertificateForMix[] = [
      { department: 'gat', ...sm2, notAfter: ends(200) },
      { department: 'gat', ...sm2, notAfter: ends(5) },
      { department: 'gat', ...rsa, notAfter: ends(-1) },
      { department: 'fgw', ...rsa, notAfter: ends(20) },
      { department: 'fgw', ...ecdsa, notAfter: ends(90) },
      { department: null, ...sm2, notAfter: ends(400) },
      { ...rsa, notAfter: ends(10) },
    ];
    const { departments, province } = certificateMix(certs, now);
    expect(departments).toEqual([
      {
        department: 'fgw',
        total: 2,
        byWindow: { expired: 0, '7d': 0, '30d': 1, valid: 1 },
        byFamily: { sm2: 0, rsa: 1, ecdsa: 1, other: 0 },
        sm2Share: 0,
      },
      {
        department: 'gat',
        total: 3,
        byWindow: { expired: 1, '7d': 1, '30d': 0, valid: 1 },
        byFamily: { sm2: 2, rsa: 1, ecdsa: 0, other: 0 },
        sm2Share: 2 / 3,
      },
      {
        department: null,
        total: 2,
        byWindow: { expired: 0, '7d': 0, '30d': 1, valid: 1 },
        byFamily: { sm2: 1, rsa: 1, ecdsa: 0, other: 0 },
        sm2Share: 0.5,
      },
    ]);
    expect(province).toEqual({
      total: 7,
      byWindow: { expired: 1, '7d': 1, '30d': 2, valid: 3 },
      byFamily: { sm2: 3, rsa: 3, ecdsa: 1, other: 0 },
      sm2Share: 3 / 7,
    });
  });

  it('no certificates: no share rather than 0 %', () => {
    expect(certificateMix([], now)).toEqual({
      departments: [],
      province: {
        total: 0,
        byWindow: { expired: 0, '7d': 0, '30d': 0, valid: 0 },
        byFamily: { sm2: 0, rsa: 0, ecdsa: 0, other: 0 },
        sm2Share: null,
      },
    });
  });

  const dedupe: {
    name: string;
    certs: CertificateForMix[];
    perDepartment: Record<string, number>;
    province: number;
  }[] = [
    {
      name: 'a CA certificate in every chain of a department counts once there',
      certs: [1, 2, 3].map(() => ({
        department: 'gat',
        ...sm2,
        notAfter: ends(900),
        fingerprintSha256: 'ab'.repeat(32),
      })),
      perDepartment: { gat: 1 },
      province: 1,
    },
    {
      name: 'the same certificate in two departments counts in each, once in the province',
      certs: ['gat', 'fgw'].map((department) => ({
        department,
        ...sm2,
        notAfter: ends(900),
        fingerprintSha256: 'cd'.repeat(32),
      })),
      perDepartment: { fgw: 1, gat: 1 },
      province: 1,
    },
    {
      name: 'without fingerprints nothing can be recognised as the same',
      certs: [1, 2].map(() => ({ department: 'gat', ...rsa, notAfter: ends(900) })),
      perDepartment: { gat: 2 },
      province: 2,
    },
  ];
  it.each(dedupe)('$name', ({ certs, perDepartment, province }) => {
    const mix = certificateMix(certs, now);
    expect(Object.fromEntries(mix.departments.map((d) => [d.department, d.total]))).toEqual(perDepartment);
    expect(mix.province.total).toBe(province);
  });
});
