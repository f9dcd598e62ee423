import type { Context } from 'hono';
import { algorithmFamilies, expiryWindows } from '../../../core/cert-windows.ts';
import {
  type CertificateQuery,
  type CertificateSort,
  certificateSorts,
  chainStates,
  holderKinds,
} from '../../certificates/inventory-filter.ts';
import type { Env } from '../../http/env.ts';
import { oneOf, type SortOrder, sortOrder } from '../list-links.ts';
import { offsetOf } from '../offset-pager.ts';

export type CertificatePageFilter = Omit<CertificateQuery, 'sort' | 'order' | 'limit'> & {
  sort: CertificateSort;
  order: SortOrder;
  offset: number;
};

/** The inventory's filters from the URL; values that do not fit are ignored rather than refused. */
export function certificateFilter(c: Context<Env>): CertificatePageFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  return {
    q: text('q', 100),
    department: text('department', 32),
    window: oneOf(expiryWindows, c.req.query('window')),
    family: oneOf(algorithmFamilies, c.req.query('family')),
    holder: oneOf(holderKinds, c.req.query('holder')),
    chain: oneOf(chainStates, c.req.query('chain')),
    sort: oneOf(certificateSorts, c.req.query('sort')) ?? 'not_after',
    order: sortOrder(c.req.query('order')),
    offset: offsetOf(c.req.query('offset')),
  };
}

/** The filters alone, for the export link and links that start again from the first page. */
export function filterOnly(f: CertificatePageFilter) {
  return { q: f.q, department: f.department, window: f.window, family: f.family, holder: f.holder, chain: f.chain };
}

/** The filters and order (not the page position), for links that keep them. */
export function filterParams(f: CertificatePageFilter) {
  return { ...filterOnly(f), sort: f.sort, order: f.order };
}
