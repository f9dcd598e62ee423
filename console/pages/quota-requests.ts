import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { holds, requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import type { QuotaRequestView } from '../capacity/request-views.ts';
import {
  type RequestQuery,
  type RequestSort,
  requestSorts,
  requestStatuses,
  type RequestsService,
} from '../capacity/requests-service.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { Translate } from '../i18n/negotiate.ts';
import type { OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { productionFirst } from './capacity.ts';
import { type Html, layout } from './layout.ts';
import { hrefWith, oneOf, type SortOrder, sortableHeader, sortOrder } from './list-links.ts';
import { offsetOf, offsetPager } from './offset-pager.ts';
import { allocationSummary } from './resource-labels.ts';
import { utcMinute } from './site-reading.ts';

const pageSize = 50;
const statusFilters = ['open', ...requestStatuses, 'all'] as const;

type RequestFilter = Omit<RequestQuery, 'sort' | 'order' | 'limit' | 'status'> & {
  status: (typeof statusFilters)[number];
  sort: RequestSort;
  order: SortOrder;
  offset: number;
};

function requestFilter(c: Context<Env>): RequestFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  return {
    status: oneOf(statusFilters, c.req.query('status')) ?? 'open',
    site: text('site', 32),
    q: text('q', 100),
    sort: oneOf(requestSorts, c.req.query('sort')) ?? 'created',
    order: sortOrder(c.req.query('order')),
    offset: offsetOf(c.req.query('offset')),
  };
}

function filterParams(f: RequestFilter) {
  return { status: f.status, site: f.site, q: f.q, sort: f.sort, order: f.order };
}

/** How long a request has waited, in the largest whole unit that reads naturally. */
export function ageText(t: Translate, from: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 60_000));
  if (minutes < 60) return t('age.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? t('age.hours', { n: hours }) : t('age.days', { n: Math.floor(hours / 24) });
}

/**
 * Requests as rows: when filed, department, site, new or change, the amounts asked, the status,
 * who filed and who decided.
 * The queue adds each request's age and sortable headers; a department's page leaves both out.
 */
export function requestsTable(
  c: Context<Env>,
  items: readonly QuotaRequestView[],
  opts: { showDepartment: boolean; now?: Date; header?: (column: RequestSort, label: string) => Html },
): Html {
  const t = c.get('t');
  if (items.length === 0) return html`<p class="muted">${t('common.none')}</p>`;
  const head = opts.header ?? ((_: RequestSort, label: string) => html`<th>${label}</th>`);
  const now = opts.now;
  return html`<table class="requests">
<thead hx-boost="true"><tr>${head('created', t('request.filed'))}${now ? html`<th>${t('request.age')}</th>` : ''}${opts.showDepartment ? head('department', t('request.department')) : ''}${head('site', t('quotas.site'))}<th>${t('request.kind')}</th><th>${t('request.requested')}</th>${head('status', t('request.status'))}<th>${t('request.filedBy')}</th><th>${t('request.decidedBy')}</th></tr></thead>
<tbody>${items.map(
    (r) =>
      html`<tr><td class="nowrap"><a href="/quota-requests/${encodeURIComponent(r.id)}">${utcMinute(r.createdAt)}</a></td>${now ? html`<td class="nowrap">${ageText(t, r.createdAt, now)}</td>` : ''}${
        opts.showDepartment ? html`<td>${r.departmentName} <code>${r.department}</code></td>` : ''
      }<td>${r.site}</td><td>${t(`requestKind.${r.kind}`)}</td><td>${allocationSummary(t, r.requested)}</td><td class="status-${r.status}">${t(`requestStatus.${r.status}`)}</td><td>${r.requestedBy}</td><td>${r.decidedBy ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * The approval queue: open requests oldest first by default (first come, first served), with
 * filters by status, site and text, sortable columns and pages of 50 from the service. A
 * department user sees their own department's requests only (the service filters).
 */
export function quotaRequestsPage({
  requests,
  org,
  uow,
  now,
}: {
  requests: RequestsService;
  org: OrgService;
  uow: UnitOfWork;
  now: () => Date;
}) {
  return new Hono<Env>().get('/quota-requests', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'quota:read');
    const t = c.get('t');
    const f = requestFilter(c);
    const [page, sites, demo] = await Promise.all([
      requests.list(p, { ...f, limit: pageSize }),
      org.listSites(),
      isDemo(uow),
    ]);
    const list = (params: Record<string, string | number | undefined>) => hrefWith('/quota-requests', params);
    const header = (column: RequestSort, label: string) =>
      sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
    const body = html`
${holds(p, 'quota:request') ? html`<p class="toolbar"><a class="button" href="/quota-requests/new">${t('request.new')}</a></p>` : ''}
<form method="get" action="/quota-requests" class="filters" role="search"
  hx-get="/quota-requests" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('dept.searchPlaceholder')}" maxlength="100"></label>
  <label>${t('request.status')} <select name="status">${statusFilters.map(
    (s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${t(`requestFilter.${s}`)}</option>`,
  )}</select></label>
  <label>${t('quotas.site')} <select name="site">
    <option value="">${t('common.all')}</option>
    ${productionFirst(sites).map((s) => html`<option value="${s.code}"${f.site === s.code ? html` selected` : ''}>${s.name} (${s.code})</option>`)}
  </select></label>
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/quota-requests">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span></p>
  ${requestsTable(c, page.items, { showDepartment: true, now: now(), header })}
  ${offsetPager(t, page.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), offset }))}
</div>`;
    return c.html(layout(c, { title: t('request.queueTitle'), body, demo, active: '/quota-requests' }));
  });
}
