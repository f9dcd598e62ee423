import { Hono } from 'hono';
import { html } from 'hono/html';
import { expiryWindows } from '../../../core/cert-windows.ts';
import { requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { CertificatesService } from '../../certificates/service.ts';
import type { DepartmentSummary } from '../../certificates/summary.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { Translate } from '../../i18n/negotiate.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith } from '../list-links.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import { algorithmText, certificateName, shareBar, windowLabel } from './certificate-labels.ts';
import { certificateAlerts, certificateToolbar } from './inventory.ts';

const nextCount = 20;
const departmentRows = 100;

/** Departments furthest from SM2 first (by what agents see, then by the RA's list); none-yet last. */
function laggardsFirst(a: DepartmentSummary, b: DepartmentSummary): number {
  const key = (d: DepartmentSummary) => d.inventory.sm2Share ?? d.ra.sm2Share ?? Infinity;
  return key(a) - key(b) || (a.department ?? '\uffff').localeCompare(b.department ?? '\uffff');
}

function mixRow(t: Translate, d: Pick<DepartmentSummary, 'inventory' | 'ra'>, name: Html): Html {
  return html`<tr><th scope="row">${name}</th>
<td class="num">${d.inventory.total.toLocaleString('en')}</td><td>${shareBar(t, d.inventory.sm2Share)}</td>
<td class="num">${d.ra.total.toLocaleString('en')}</td><td class="num">${d.ra.seen.toLocaleString('en')}</td><td>${shareBar(t, d.ra.sm2Share)}</td></tr>`;
}

/**
 * The expiry board: how many certificates sit in each window (each count links to the filtered
 * list), the next to expire, and the SM2 share per department as bars — what agents see beside
 * what the RA issued. A department user sees their own department's figures only.
 */
export function certificateBoardPage({ certificates, uow }: { certificates: CertificatesService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/certificates/board', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'extranet:read');
    const t = c.get('t');
    const [summary, next, demo] = await Promise.all([
      certificates.summary(p),
      certificates.nextToExpire(p, nextCount),
      isDemo(uow),
    ]);
    const departments = [...summary.departments].sort(laggardsFirst).slice(0, departmentRows);
    const body = html`${certificateToolbar(c)}
${runbookLinks(t, 'certificates', certificateAlerts)}
<h2>${t('cert.board.windows')}</h2>
<div class="cards">${expiryWindows.map(
      (w) =>
        html`<a class="card-n" id="window-${w}" href="${hrefWith('/certificates', { window: w })}"><b>${summary.windows[w].toLocaleString('en')}</b>${windowLabel(t, w)}</a>`,
    )}</div>
<h2>${t('cert.board.next')}</h2>
${
  next.length === 0
    ? html`<p class="muted">${t('common.none')}</p>`
    : html`<table><thead><tr><th>${t('cert.notAfter')}</th><th>${t('cert.window')}</th><th>${t('cert.commonName')}</th><th>${t('cert.department')}</th><th>${t('cert.family')}</th></tr></thead>
<tbody>${next.map(
        (x) =>
          html`<tr><td class="nowrap">${utcMinute(x.notAfter)}</td><td>${windowLabel(t, x.window)}</td><td><a href="/certificates/${x.fingerprint}">${certificateName(t, x)}</a></td><td>${x.department ?? html`<span class="muted">${t('cert.noDepartment')}</span>`}</td><td class="nowrap">${algorithmText(t, x)}</td></tr>`,
      )}</tbody></table>`
}
<h2>${t('cert.board.mix')}</h2>
<p class="hint">${t('cert.board.mixHelp')}</p>
${summary.departments.length > departmentRows ? html`<p class="muted">${t('cert.board.showing', { shown: departmentRows, count: summary.departments.length.toLocaleString('en') })}</p>` : ''}
<table class="sm2-share">
<thead><tr><th>${t('cert.department')}</th><th>${t('cert.board.inventory')}</th><th>${t('cert.board.sm2Share')}</th><th>${t('cert.board.raIssued')}</th><th>${t('cert.board.raSeen')}</th><th>${t('cert.board.sm2Share')}</th></tr></thead>
<tbody>
${mixRow(t, summary, html`${t('cert.board.province')}`)}
${departments.map((d) =>
  mixRow(
    t,
    d,
    d.department
      ? html`<a href="${hrefWith('/certificates', { department: d.department })}">${d.department}</a> <span class="muted">${d.departmentName ?? ''}</span>`
      : html`<span class="muted">${t('cert.noDepartment')}</span>`,
  ),
)}
</tbody></table>`;
    return c.html(layout(c, { title: t('cert.boardTitle'), body, demo, active: '/certificates' }));
  });
}
