import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Site } from '../../core/org.ts';
import { holds, requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import type { DepartmentQuota, QuotasService } from '../capacity/quotas-service.ts';
import type { QuotaRequestView } from '../capacity/request-views.ts';
import type { RequestsService } from '../capacity/requests-service.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { MessageKey } from '../i18n/negotiate.ts';
import type { OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { productionFirst } from './capacity.ts';
import { type Html, layout } from './layout.ts';
import { hrefWith } from './list-links.ts';
import { requestsTable } from './quota-requests.ts';
import { approvalLink } from './quotas.ts';
import { amountText, resourceLabel, resourcesOf } from './resource-labels.ts';
import { runbookLinks } from './runbooks/runbook-links.ts';

/** How many of a department's requests the page lists, newest first. */
const historySize = 50;

function siteSection(
  c: Context<Env>,
  department: string,
  site: Site,
  quota: DepartmentQuota | undefined,
  approvedBy: string | null,
  open: QuotaRequestView | undefined,
  canRequest: boolean,
): Html {
  const t = c.get('t');
  const ask = hrefWith('/quota-requests/new', { department, site: site.code });
  const action = open
    ? html`<p><a href="/quota-requests/${encodeURIComponent(open.id)}">${t('quotas.openRequest', { status: t(`requestStatus.${open.status}`) })}</a></p>`
    : canRequest
      ? html`<p class="toolbar"><a class="button${quota ? ' secondary' : ''}" href="${ask}">${quota ? t('quotas.requestChange') : t('quotas.requestNew')}</a></p>`
      : '';
  if (!quota) {
    return html`<section class="site" id="site-${site.code}"><h2>${site.name} <code>${site.code}</code></h2>
<p class="muted">${t('quotas.noQuota')}</p>${action}</section>`;
  }
  // Use and drift per namespace come with the Kubernetes read-back.
  return html`<section class="site" id="site-${site.code}"><h2>${site.name} <code>${site.code}</code> <span class="muted">${t(`siteRole.${site.role}` as MessageKey)}</span></h2>
<dl class="facts">
  <dt>${t('quotas.namespace')}</dt><dd><code>${quota.namespace}</code></dd>
  <dt>${t('quotas.approvedAt')}</dt><dd>${approvalLink(c, quota)}${approvedBy ? html` · ${t('quotas.approvedBy', { by: approvedBy })}` : ''}</dd>
</dl>
<table class="allocation"><thead><tr><th>${t('capacity.resource')}</th><th>${t('capacity.requestsColumn')}</th><th>${t('capacity.limitsColumn')}</th></tr></thead>
<tbody>${resourcesOf(quota.allocation).map((k) => {
    const a = quota.allocation[k]!;
    return html`<tr id="quota-${site.code}-${k}"><th scope="row">${resourceLabel(t, k)}</th><td class="requests">${amountText(k, a.requests)}</td><td class="limits">${amountText(k, a.limits)}</td></tr>`;
  })}</tbody></table>
${action}</section>`;
}

/**
 * One department's quotas: per site the allocation in force, its namespace and the request that
 * set it, a way to ask for a change (or a first quota), and the department's requests. A
 * department user may open only their own department.
 */
export function quotaDetailPage({
  quotas,
  requests,
  org,
  uow,
}: {
  quotas: QuotasService;
  requests: RequestsService;
  org: OrgService;
  uow: UnitOfWork;
}) {
  return new Hono<Env>().get('/quotas/:department', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'quota:read');
    const t = c.get('t');
    const code = c.req.param('department');
    // Scope and existence first: the service answers 403 outside the user's department, 404 for none.
    const held = await quotas.ofDepartment(p, code);
    const [department, sites, history, demo] = await Promise.all([
      org.getDepartment(code),
      org.listSites(),
      requests.list(p, { department: code, status: 'all', sort: 'created', order: 'desc', limit: historySize }),
      isDemo(uow),
    ]);
    const approvers = await Promise.all(
      held.map(async (q) =>
        q.requestId === 'demo' ? null : ((await requests.get(q.requestId, p).catch(() => null))?.decidedBy ?? null),
      ),
    );
    const openOn = (site: string) =>
      history.items.find((r) => r.site === site && (r.status === 'pending' || r.status === 'returned'));
    const canRequest = holds(p, 'quota:request');
    const body = html`<dl class="facts">
  <dt>${t('dept.code')}</dt><dd><a href="/departments/${encodeURIComponent(department.code)}"><code>${department.code}</code></a></dd>
  <dt>${t('dept.level')}</dt><dd>${t(`level.${department.level}`)}</dd>
  <dt>${t('dept.region')}</dt><dd>${department.regionName}</dd>
</dl>
${runbookLinks(t, 'capacity', ['DepartmentQuotaNearlyUsed'])}
${productionFirst(sites).map((s) => {
  const i = held.findIndex((q) => q.site === s.code);
  return siteSection(c, code, s, held[i], approvers[i] ?? null, openOn(s.code), canRequest);
})}
<h2>${t('quotas.requests')}</h2>
${requestsTable(c, history.items, { showDepartment: false })}
${history.total > historySize ? html`<p><a href="${hrefWith('/quota-requests', { status: 'all', q: code })}">${t('quotas.allRequests', { count: history.total })}</a></p>` : ''}
<p><a href="/quotas">${t('common.back')}</a></p>`;
    return c.html(
      layout(c, { title: t('quotas.detailTitle', { name: department.name }), body, demo, active: '/quotas' }),
    );
  });
}
