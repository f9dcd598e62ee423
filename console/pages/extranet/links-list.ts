import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { linkClasses, linkStates } from '../../../core/link-state.ts';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import {
  type LinkQuery,
  type LinkSort,
  type LinksService,
  type LinkView,
  linkSorts,
} from '../../extranet/links-service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { OrgService } from '../../org/service.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith, oneOf, type SortOrder, sortableHeader, sortOrder } from '../list-links.ts';
import { offsetOf, offsetPager } from '../offset-pager.ts';
import { regionOptions } from '../region-select.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import { classLabel, linkHref, msText, percentText, stateBadge, stateLabel } from './link-labels.ts';

const pageSize = 50;

type LinkFilter = Omit<LinkQuery, 'sort' | 'order' | 'limit'> & { sort: LinkSort; order: SortOrder; offset: number };

function linkFilter(c: Context<Env>): LinkFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  return {
    q: text('q', 100),
    state: oneOf(linkStates, c.req.query('state')),
    class: oneOf(linkClasses, c.req.query('class')),
    region: text('region', 32),
    department: text('department', 32),
    agent: text('agent', 64),
    sort: oneOf(linkSorts, c.req.query('sort')) ?? 'code',
    order: sortOrder(c.req.query('order')),
    offset: offsetOf(c.req.query('offset')),
  };
}

/** The filters and order (not the page position), for links that keep them. */
function filterParams(f: LinkFilter) {
  const { q, state, region, department, agent, sort, order } = f;
  return { q, state, class: f.class, region, department, agent, sort, order };
}

/** The owning agent's page (the agents area serves it), or a note that none measures the link. */
export function agentCell(c: Context<Env>, l: Pick<LinkView, 'agent' | 'agentName'>): Html {
  return l.agent
    ? html`<a href="/agents/${encodeURIComponent(l.agent)}">${l.agentName ?? l.agent}</a>`
    : html`<span class="muted">${c.get('t')('links.noAgent')}</span>`;
}

/** The link's own state, and the down link above it that explains it, if any. */
export function stateCell(c: Context<Env>, l: Pick<LinkView, 'state' | 'affectedBy'>): Html {
  const t = c.get('t');
  return html`${stateBadge(t, l.state)}${
    l.affectedBy
      ? html`<br><small class="muted">${stateLabel(t, 'affected')}: <a href="${linkHref(l.affectedBy)}">${t('links.affectedBy', { code: l.affectedBy })}</a></small>`
      : ''
  }`;
}

function linkRow(c: Context<Env>, l: LinkView): Html {
  const t = c.get('t');
  return html`<tr id="link-${l.code}"><td><a href="${linkHref(l.code)}">${l.code}</a></td><td>${l.name}</td><td>${classLabel(t, l.class)}</td>
<td>${l.regionName ?? ''}</td><td class="state">${stateCell(c, l)}</td><td class="nowrap">${utcMinute(l.since)}</td>
<td class="num loss">${percentText(l.lossRatio)}</td><td class="num rtt">${msText(l.rttAvgMs)}</td><td>${agentCell(c, l)}</td></tr>`;
}

/**
 * Every link the viewer may see (thousands): text, state, level, region (a city takes its
 * counties), department and agent filters, sortable columns, pages of 50 from the service's SQL
 * paging; htmx swaps the results in place and the same URLs work without it.
 */
export function linksListPage({ links, org, uow }: { links: LinksService; org: OrgService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/extranet/links', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'extranet:read');
    const t = c.get('t');
    const f = linkFilter(c);
    const [page, regions, demo] = await Promise.all([
      links.list(p, { ...f, limit: pageSize }),
      org.listRegions(),
      isDemo(uow),
    ]);
    const list = (params: Record<string, string | number | undefined>) => hrefWith('/extranet/links', params);
    const header = (column: LinkSort, label: string) =>
      sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
    const body = html`
<p class="toolbar">
  <a href="/extranet">${t('extranet.title')}</a>
  ${holds(p, 'extranet:write') ? html`<a class="button" href="/extranet/links/new">${t('extranet.newLink')}</a>` : ''}
</p>
${runbookLinks(t, 'extranet', ['ExtranetUpstreamLinkDown', 'ExtranetLinkDown', 'ExtranetLinkDegraded'])}
<form method="get" action="/extranet/links" class="filters" role="search"
  hx-get="/extranet/links" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('links.searchPlaceholder')}" maxlength="100"></label>
  <label>${t('links.state')} <select name="state">
    <option value="">${t('common.all')}</option>
    ${linkStates.map((s) => html`<option value="${s}"${f.state === s ? html` selected` : ''}>${stateLabel(t, s)}</option>`)}
  </select></label>
  <label>${t('links.class')} <select name="class">
    <option value="">${t('common.all')}</option>
    ${linkClasses.map((k) => html`<option value="${k}"${f.class === k ? html` selected` : ''}>${classLabel(t, k)}</option>`)}
  </select></label>
  <label>${t('links.region')} <select name="region">${regionOptions(t, regions, f.region ?? '', 'filter')}</select></label>
  <label>${t('links.department')} <input name="department" value="${f.department ?? ''}" maxlength="32" size="12"></label>
  <label>${t('links.agent')} <input name="agent" value="${f.agent ?? ''}" maxlength="64" size="12"></label>
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/extranet/links">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span></p>
  ${
    page.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="links">
  <thead hx-boost="true"><tr>${header('code', t('links.code'))}${header('name', t('links.name'))}<th>${t('links.class')}</th><th>${t('links.region')}</th>${header('state', t('links.state'))}${header('since', t('links.since'))}${header('loss', t('links.loss'))}${header('rtt', t('links.rtt'))}<th>${t('links.agent')}</th></tr></thead>
  <tbody>${page.items.map((l) => linkRow(c, l))}</tbody>
</table>`
  }
  ${offsetPager(t, page.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), offset }))}
</div>`;
    return c.html(layout(c, { title: t('links.title'), body, demo, active: '/extranet' }));
  });
}
