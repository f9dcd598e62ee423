import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { departmentLevels } from '../../core/org.ts';
import { requirePermission } from '../../core/principal.ts';
import { displayQuantity } from '../../core/quantity.ts';
import { isDemo } from '../bootstrap.ts';
import {
  type QuotaQuery,
  type QuotaRow,
  type QuotaSort,
  quotaSorts,
  type QuotasService,
} from '../capacity/quotas-service.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { productionFirst } from './capacity.ts';
import { type Html, layout } from './layout.ts';
import { hrefWith, oneOf, type SortOrder, sortableHeader, sortOrder } from './list-links.ts';
import { offsetOf, offsetPager } from './offset-pager.ts';
import { regionOptions } from './region-select.ts';
import { amountCell } from './resource-labels.ts';
import { runbookLinks } from './runbooks/runbook-links.ts';
import { utcMinute } from './site-reading.ts';

const pageSize = 50;

type QuotaFilter = Omit<QuotaQuery, 'sort' | 'order' | 'limit'> & { sort: QuotaSort; order: SortOrder; offset: number };

function quotaFilter(c: Context<Env>): QuotaFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  return {
    q: text('q', 100),
    site: text('site', 32),
    level: oneOf(departmentLevels, c.req.query('level')),
    region: text('region', 32),
    sort: oneOf(quotaSorts, c.req.query('sort')) ?? 'department',
    order: sortOrder(c.req.query('order')),
    offset: offsetOf(c.req.query('offset')),
  };
}

/** The filters and order (not the page position), for links that keep them. */
function filterParams(f: QuotaFilter) {
  return { q: f.q, site: f.site, level: f.level, region: f.region, sort: f.sort, order: f.order };
}

/** The request that set a quota; the demo's allocations came with the demo, from no request. */
export function approvalLink(c: Context<Env>, q: Pick<QuotaRow, 'requestId' | 'approvedAt'>): Html {
  const at = utcMinute(q.approvedAt);
  return q.requestId === 'demo'
    ? html`${at} <span class="muted">(${c.get('t')('quotas.fromDemo')})</span>`
    : html`<a href="/quota-requests/${encodeURIComponent(q.requestId)}">${at}</a>`;
}

function quotaRow(c: Context<Env>, q: QuotaRow): Html {
  const t = c.get('t');
  return html`<tr><td><a href="/quotas/${encodeURIComponent(q.department)}">${q.department}</a></td><td>${q.departmentName}</td><td>${q.site}</td>
<td class="cpu num">${amountCell(t, 'cpu', q.cpu)}</td><td class="memory num">${amountCell(t, 'memory', q.memory)}</td>
<td class="storage num">${displayQuantity(q.storage, 'bytes')}</td><td class="num">${q.gpu || ''}</td><td class="nowrap">${approvalLink(c, q)}</td></tr>`;
}

/**
 * The allocations in force, one row per department and site (thousands of rows): filters, sortable
 * columns including the amounts, pages of 50 from the service's SQL paging. A department user sees
 * only their own department's rows (the service filters).
 */
export function quotasPage({ quotas, org, uow }: { quotas: QuotasService; org: OrgService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/quotas', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'quota:read');
    const t = c.get('t');
    const f = quotaFilter(c);
    const [page, sites, regions, demo] = await Promise.all([
      quotas.list(p, { ...f, limit: pageSize }),
      org.listSites(),
      org.listRegions(),
      isDemo(uow),
    ]);
    const list = (params: Record<string, string | number | undefined>) => hrefWith('/quotas', params);
    const header = (column: QuotaSort, label: string) =>
      sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
    const body = html`${runbookLinks(t, 'capacity', ['DepartmentQuotaNearlyUsed', 'SiteAllocationNearCeiling'])}
<form method="get" action="/quotas" class="filters" role="search"
  hx-get="/quotas" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('dept.searchPlaceholder')}" maxlength="100"></label>
  <label>${t('quotas.site')} <select name="site">
    <option value="">${t('common.all')}</option>
    ${productionFirst(sites).map((s) => html`<option value="${s.code}"${f.site === s.code ? html` selected` : ''}>${s.name} (${s.code})</option>`)}
  </select></label>
  <label>${t('dept.level')} <select name="level">
    <option value="">${t('common.all')}</option>
    ${departmentLevels.map((l) => html`<option value="${l}"${f.level === l ? html` selected` : ''}>${t(`level.${l}`)}</option>`)}
  </select></label>
  <label>${t('dept.region')} <select name="region">${regionOptions(t, regions, f.region ?? '', 'filter')}</select></label>
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/quotas">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span></p>
  ${
    page.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="quotas">
  <thead hx-boost="true"><tr>${header('department', t('dept.code'))}${header('name', t('dept.name'))}${header('site', t('quotas.site'))}${header('cpu', t('resource.cpu'))}${header('memory', t('resource.memory'))}${header('storage', t('quotas.storage'))}<th>${t('resource.gpu')}</th>${header('approved', t('quotas.approvedAt'))}</tr></thead>
  <tbody>${page.items.map((q) => quotaRow(c, q))}</tbody>
</table>`
  }
  ${offsetPager(t, page.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), offset }))}
</div>`;
    return c.html(layout(c, { title: t('quotas.title'), body, demo, active: '/quotas' }));
  });
}
