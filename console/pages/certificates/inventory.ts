import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { algorithmFamilies, expiryWindows } from '../../../core/cert-windows.ts';
import { holds, isScoped, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import { formatCertificatesCsv } from '../../certificates/certificate-csv.ts';
import type { CertificateView } from '../../certificates/certificate-view.ts';
import { type CertificateSort, chainStates, holderKinds } from '../../certificates/inventory-filter.ts';
import type { CertificatesService } from '../../certificates/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith, sortableHeader } from '../list-links.ts';
import { offsetPager } from '../offset-pager.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import { certificateFilter, filterOnly, filterParams } from './certificate-filter.ts';
import { algorithmText, certificateName, chainText, windowLabel } from './certificate-labels.ts';

const pageSize = 50;

/** What fires about server certificates: expiry windows, and RSA past the cutover date. */
export const certificateAlerts = [
  'CertificateExpiringIn30Days',
  'CertificateExpiringIn7Days',
  'CertificateExpired',
  'CertificatesStillOnRsa',
] as const;

/** Links between the certificate pages; the import only for those who may run it. */
export function certificateToolbar(c: Context<Env>): Html {
  const t = c.get('t');
  const p = requirePrincipal(c);
  return html`<p class="toolbar"><a class="button secondary" href="/certificates">${t('cert.toList')}</a>
<a class="button secondary" href="/certificates/board">${t('cert.toBoard')}</a>
<a class="button secondary" href="/trust-anchors">${t('cert.toAnchors')}</a>
${holds(p, 'extranet:write') ? html`<a class="button secondary" href="/certificates/import">${t('cert.toImport')}</a>` : ''}</p>`;
}

function row(c: Context<Env>, x: CertificateView): Html {
  const t = c.get('t');
  return html`<tr><td><a href="/certificates/${x.fingerprint}">${certificateName(t, x)}</a>${x.isCa ? html` <span class="muted">(${t('cert.ca')})</span>` : ''}</td>
<td>${x.department ? html`${x.department}${x.departmentName ? html` <span class="muted">${x.departmentName}</span>` : ''}` : html`<span class="muted">${t('cert.noDepartment')}</span>`}</td>
<td class="nowrap">${algorithmText(t, x)}</td><td class="nowrap">${utcMinute(x.notAfter)}</td><td class="nowrap">${windowLabel(t, x.window)}</td>
<td>${chainText(t, x)}</td><td class="muted">${x.issuer}</td></tr>`;
}

/**
 * The inventory list: filters by window, algorithm family, department, holder and chain state,
 * text search, sortable columns and pages of 50 (htmx swaps the results in place; without
 * JavaScript the form and links work as they are), and the CSV export of the filtered list.
 */
export function certificateInventoryPage({
  certificates,
  uow,
}: {
  certificates: CertificatesService;
  uow: UnitOfWork;
}) {
  return new Hono<Env>()
    .get('/certificates', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:read');
      const t = c.get('t');
      const f = certificateFilter(c);
      const [page, demo] = await Promise.all([certificates.list(p, { ...f, limit: pageSize }), isDemo(uow)]);
      const list = (params: Record<string, string | number | undefined>) => hrefWith('/certificates', params);
      const header = (column: CertificateSort, label: string) =>
        sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
      const select = (
        name: string,
        label: string,
        options: readonly string[],
        current: string | undefined,
        text: (v: string) => string,
      ) =>
        html`<label>${label} <select name="${name}"><option value="">${t('common.all')}</option>${options.map(
          (o) => html`<option value="${o}"${current === o ? html` selected` : ''}>${text(o)}</option>`,
        )}</select></label>`;
      const body = html`${certificateToolbar(c)}
${runbookLinks(t, 'certificates', certificateAlerts)}
<form method="get" action="/certificates" class="filters" role="search"
  hx-get="/certificates" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('cert.searchPlaceholder')}" maxlength="100"></label>
  ${select('window', t('cert.window'), expiryWindows, f.window, (w) => t(`cert.window.${w as (typeof expiryWindows)[number]}`))}
  ${select('family', t('cert.family'), algorithmFamilies, f.family, (v) => t(`cert.family.${v as (typeof algorithmFamilies)[number]}`))}
  ${select('holder', t('cert.holder'), holderKinds, f.holder, (v) => t(`cert.holder.${v as (typeof holderKinds)[number]}`))}
  ${select('chain', t('cert.chain'), chainStates, f.chain, (v) => t(`cert.chain.${v as (typeof chainStates)[number]}`))}
  ${isScoped(p) ? '' : html`<label>${t('cert.department')} <input type="text" name="department" value="${f.department ?? ''}" placeholder="${t('cert.departmentHelp')}" maxlength="32" size="12"></label>`}
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/certificates">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span>
  <a href="${hrefWith('/certificates/export.csv', filterOnly(f))}" download>${t('common.export')}</a></p>
  ${
    page.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="certificates">
  <thead hx-boost="true"><tr>${header('cn', t('cert.commonName'))}${header('department', t('cert.department'))}${header('algorithm', t('cert.family'))}${header('not_after', t('cert.notAfter'))}<th>${t('cert.window')}</th><th>${t('cert.chain')}</th><th>${t('cert.issuer')}</th></tr></thead>
  <tbody>${page.items.map((x) => row(c, x))}</tbody>
</table>`
  }
  ${offsetPager(t, page.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), offset }))}
</div>`;
      return c.html(layout(c, { title: t('cert.title'), body, demo, active: '/certificates' }));
    })
    .get('/certificates/export.csv', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:read');
      const f = certificateFilter(c);
      c.set('audit', { action: 'certificate.export', target: 'certificates', detail: filterOnly(f), always: true });
      const rows = await certificates.all(p, { ...filterOnly(f), sort: f.sort, order: f.order });
      return c.body(formatCertificatesCsv(rows), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="certificates.csv"',
      });
    });
}
