import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { AlgorithmFamily, ExpiryWindow } from '../../core/cert-windows.ts';
import { isScoped, type Principal, requireDepartmentInScope } from '../../core/principal.ts';
import { contains } from '../store/contains.ts';
import type { Database } from '../store/schema.ts';
import { inWindow } from './window-bounds.ts';

export const certificateSorts = ['not_after', 'department', 'algorithm', 'cn'] as const;
export type CertificateSort = (typeof certificateSorts)[number];
export const holderKinds = ['personal', 'server'] as const;
export type HolderKind = (typeof holderKinds)[number];
export const chainStates = ['verified', 'problems'] as const;
export type ChainState = (typeof chainStates)[number];

/** What the inventory list, its export and its page filter by. */
export type CertificateFilter = {
  window?: ExpiryWindow;
  family?: AlgorithmFamily;
  department?: string;
  holder?: HolderKind;
  chain?: ChainState;
  /** Contained in the common name, issuer, serial, a SAN or the fingerprint. */
  q?: string;
};

export type CertificateQuery = CertificateFilter & {
  sort?: CertificateSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

/** The sort keys of each order; every order ends on the fingerprint so pages never overlap. */
export const sortKeys: Record<CertificateSort, string[]> = {
  not_after: ['certificates.not_after'],
  department: ["coalesce(certificates.department_code, '')", 'certificates.not_after'],
  algorithm: ['certificates.algorithm_family', 'certificates.key_algorithm', 'certificates.not_after'],
  cn: ["lower(coalesce(certificates.common_name, ''))", 'certificates.not_after'],
};

/**
 * The viewer's scope and the filters as one condition on the certificates table: a department
 * user sees their own department's certificates only, and naming another is refused.
 */
export function matchingCertificates(viewer: Principal, f: CertificateFilter, now: Date) {
  if (f.department) requireDepartmentInScope(viewer, f.department);
  return (eb: ExpressionBuilder<Database, 'certificates'>) => {
    const parts: Expression<SqlBool>[] = [];
    if (isScoped(viewer)) parts.push(eb('certificates.department_code', '=', viewer.department ?? ''));
    if (f.department) parts.push(eb('certificates.department_code', '=', f.department));
    if (f.window) parts.push(inWindow(eb, f.window, now));
    if (f.family) parts.push(eb('certificates.algorithm_family', '=', f.family));
    if (f.holder) parts.push(eb('certificates.personal', '=', f.holder === 'personal' ? 1 : 0));
    if (f.chain) {
      const verified = eb.and([
        eb(eb.fn.coalesce('certificates.chain_verified', eb.lit(0)), '=', 1),
        eb('certificates.chain_problems', '=', '[]'),
      ]);
      parts.push(f.chain === 'verified' ? verified : eb.not(verified));
    }
    if (f.q) {
      const text = f.q;
      parts.push(
        eb.or([
          contains('certificates.common_name', text),
          contains('certificates.issuer', text),
          contains('certificates.serial', text),
          contains('certificates.sans', text),
          contains('certificates.fingerprint', text),
        ]),
      );
    }
    return eb.and(parts);
  };
}

/** A sort key as SQL; keys come from `sortKeys` only, never from the caller. */
export function sortExpression(key: string) {
  return sql.raw(key);
}
