import type { Context } from 'hono';
import { html } from 'hono/html';
import type { SiteRole } from '../../../core/org.ts';
import { holds, isScoped, type Principal } from '../../../core/principal.ts';
import { type AgentSort, agentSorts, agentStatuses, type AgentView } from '../../agents/agent-views.ts';
import type { AgentQuery } from '../../agents/service.ts';
import type { Env } from '../../http/env.ts';
import { productionFirst } from '../capacity.ts';
import type { Html } from '../layout.ts';
import { hrefWith, oneOf, type SortOrder, sortableHeader, sortOrder } from '../list-links.ts';
import { offsetOf, offsetPager } from '../offset-pager.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { lastSeenText, spoolText, statusText } from './seen.ts';

export const pageSize = 50;

export type AgentFilter = Omit<AgentQuery, 'sort' | 'order' | 'limit'> & {
  sort: AgentSort;
  order: SortOrder;
  offset: number;
};

/** The list's filters as the URL gives them; anything unknown reads as not given. */
export function agentFilter(c: Context<Env>): AgentFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  return {
    q: text('q', 100),
    status: oneOf(agentStatuses, c.req.query('status')),
    site: text('site', 32),
    department: text('department', 32),
    sort: oneOf(agentSorts, c.req.query('sort')) ?? 'name',
    order: sortOrder(c.req.query('order')),
    offset: offsetOf(c.req.query('offset')),
  };
}

function filterParams(f: AgentFilter) {
  return { q: f.q, status: f.status, site: f.site, department: f.department, sort: f.sort, order: f.order };
}

function agentRow(c: Context<Env>, a: AgentView, now: Date): Html {
  const t = c.get('t');
  const where = [a.siteName ?? a.site, a.departmentName ? `${a.departmentName} (${a.department})` : a.department]
    .filter(Boolean)
    .join(' / ');
  return html`<tr id="agent-${a.id}"><td class="name"><a href="/agents/${encodeURIComponent(a.id)}">${a.name}</a></td><td class="where">${where || '—'}</td>
<td class="status">${statusText(t, a)}</td><td class="host">${a.hostname ?? '—'}</td><td class="version">${a.version ?? '—'}</td>
<td class="seen nowrap">${lastSeenText(t, a.lastSeenAt, now)}</td><td class="spool num">${spoolText(a)}</td><td class="dropped num">${a.spool.droppedTotal.toLocaleString('en')}</td></tr>`;
}

/** What fires when an agent goes silent, cannot deliver, loses results, or has its reports refused. */
export const agentAlerts = ['AgentSilent', 'AgentSpoolGrowing', 'AgentResultsDropped', 'AgentReportsRejected'] as const;

/**
 * The agents list: filters (text, status, site, department), sortable columns and pages of 50
 * from the service's SQL paging. A department user sees their department's agents only (the
 * service filters), so the department filter is not offered to them.
 */
export function agentsList(
  c: Context<Env>,
  p: Principal,
  page: { items: AgentView[]; total: number },
  f: AgentFilter,
  sites: { code: string; name: string; role: SiteRole }[],
  now: Date,
): Html {
  const t = c.get('t');
  const list = (params: Record<string, string | number | undefined>) => hrefWith('/agents', params);
  const header = (column: AgentSort, label: string) =>
    sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
  return html`
${holds(p, 'extranet:write') ? html`<p class="toolbar"><a class="button" href="/agents/new">${t('agents.new')}</a></p>` : ''}
${runbookLinks(t, 'agents', agentAlerts)}
<form method="get" action="/agents" class="filters" role="search"
  hx-get="/agents" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('agents.searchPlaceholder')}" maxlength="100"></label>
  <label>${t('agents.status')} <select name="status">
    <option value="">${t('common.all')}</option>
    ${agentStatuses.map((s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${t(`agents.status.${s}`)}</option>`)}
  </select></label>
  <label>${t('agents.site')} <select name="site">
    <option value="">${t('common.all')}</option>
    ${productionFirst(sites).map((s) => html`<option value="${s.code}"${f.site === s.code ? html` selected` : ''}>${s.name} (${s.code})</option>`)}
  </select></label>
  ${isScoped(p) ? '' : html`<label>${t('agents.department')} <input name="department" value="${f.department ?? ''}" maxlength="32" placeholder="${t('dept.code')}"></label>`}
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/agents">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span></p>
  ${
    page.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="agents">
  <thead hx-boost="true"><tr>${header('name', t('agents.name'))}<th>${t('agents.siteDepartment')}</th>${header('status', t('agents.status'))}<th>${t('agents.hostname')}</th>${header('version', t('agents.version'))}${header('lastSeen', t('agents.lastSeen'))}${header('spool', t('agents.spool'))}${header('dropped', t('agents.dropped'))}</tr></thead>
  <tbody>${page.items.map((a) => agentRow(c, a, now))}</tbody>
</table>`
  }
  ${offsetPager(t, page.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), offset }))}
</div>`;
}
