import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { Invalid } from '../../core/errors.ts';
import { requirePermission } from '../../core/principal.ts';
import { allMatching, auditCsv } from '../audit/api.ts';
import type { AuditService, VerifyResult } from '../audit/service.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { problemMessage } from '../http/field-problems.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { outcomes, readAuditFilter } from './audit-filter.ts';
import { fieldError, layout } from './layout.ts';
import { hrefWith, messages } from './list-links.ts';
import { roleName } from './users-page.ts';

const pageSize = 50;

/** The verification result in words; a break names the record and why it fails. */
function verdict(c: Context<Env>, result: VerifyResult): { notices: string[]; problems: string[] } {
  const t = c.get('t');
  if (result.ok) return { notices: [t('audit.verifyOk', { count: result.count.toLocaleString('en') })], problems: [] };
  const reason = t(`audit.reason.${result.reason}`);
  return { notices: [], problems: [t('audit.verifyBroken', { seq: result.seq, reason })] };
}

/**
 * The audit log for the audit administrator: filters, newest first, pages keyed on the sequence
 * number, CSV export of everything matching, and verification of the hash chain. Exports and
 * verifications are themselves audited.
 */
export function auditPages({ audit, uow }: { audit: AuditService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, verified?: VerifyResult) {
    const t = c.get('t');
    const { form, filter, problems } = readAuditFilter(c);
    const before = Number(c.req.query('before'));
    const cursor = Number.isSafeInteger(before) && before > 0 ? before : undefined;
    // One extra row tells whether a next page exists without counting the whole log.
    const rows = problems.length ? [] : await audit.list({ ...filter, before: cursor, limit: pageSize + 1 });
    const items = rows.slice(0, pageSize);
    const nextBefore = rows.length > pageSize ? items.at(-1)?.seq : undefined;
    const errors = Object.fromEntries(problems.map((p) => [p.field, problemMessage(t, p)]));
    const params = { ...form };
    const result = verified ? verdict(c, verified) : { notices: [], problems: [] };
    const demo = await isDemo(uow);
    const body = html`${messages(result.notices, result.problems)}
<p class="toolbar"><a class="button" href="/audit/verify">${t('audit.verify')}</a></p>
<form method="get" action="/audit" class="filters" role="search"
  hx-get="/audit" hx-target="#audit-results" hx-select="#audit-results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change">
  <label>${t('audit.actor')} <input name="actor" value="${form.actor}" maxlength="64"></label>
  <label>${t('audit.actionContains')} <input type="search" name="action" value="${form.action}" maxlength="100"></label>
  <label>${t('audit.outcome')} <select name="outcome"><option value="">${t('common.all')}</option>${outcomes.map(
    (o) => html`<option value="${o}"${form.outcome === o ? html` selected` : ''}>${t(`outcome.${o}`)}</option>`,
  )}</select></label>
  <label>${t('audit.from')} <input type="date" name="from" value="${form.from}">${fieldError(errors.from)}</label>
  <label>${t('audit.to')} <input type="date" name="to" value="${form.to}">${fieldError(errors.to)}</label>
  <button type="submit">${t('common.filter')}</button> <a href="/audit">${t('common.reset')}</a>
</form>
<p class="hint">${t('audit.datesHelp')}</p>
<div id="audit-results">
  <p class="summary"><a href="${hrefWith('/audit/export.csv', params)}" download>${t('common.export')}</a></p>
  ${
    items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="audit"><thead><tr><th>${t('audit.seq')}</th><th>${t('audit.at')}</th><th>${t('audit.actor')}</th><th>${t('audit.role')}</th><th>${t('audit.action')}</th><th>${t('audit.target')}</th><th>${t('audit.outcome')}</th><th>${t('audit.source')}</th><th>${t('audit.detail')}</th></tr></thead>
<tbody>${items.map(
          (r) =>
            html`<tr><td>${r.seq}</td><td class="nowrap">${r.at.slice(0, 19).replace('T', ' ')}</td><td>${r.actor}</td><td>${roleName(t, r.role)}</td><td><code>${r.action}</code></td><td>${r.target}</td><td class="outcome-${r.outcome}">${t(`outcome.${r.outcome}`)}</td><td>${r.source}</td><td><code class="detail">${r.detail === '{}' ? '' : r.detail}</code></td></tr>`,
        )}</tbody></table>`
  }
  <nav class="pager" aria-label="${t('common.pages')}" hx-boost="true" hx-target="#audit-results" hx-select="#audit-results" hx-swap="outerHTML">
    ${cursor ? html`<a href="${hrefWith('/audit', params)}">${t('common.first')}</a>` : ''}
    ${nextBefore ? html`<a href="${hrefWith('/audit', { ...params, before: String(nextBefore) })}" rel="next">${t('common.next')}</a>` : ''}
  </nav>
</div>`;
    return c.html(layout(c, { title: t('audit.title'), body, demo, active: '/audit' }), problems.length ? 400 : 200);
  }

  return new Hono<Env>()
    .get('/audit', (c) => {
      requirePermission(requirePrincipal(c), 'audit:read');
      return render(c);
    })
    .get('/audit/verify', async (c) => {
      requirePermission(requirePrincipal(c), 'audit:read');
      const result = await audit.verify();
      c.set('audit', { action: 'audit.verify', target: 'audit_log', detail: result, always: true });
      return render(c, result);
    })
    .get('/audit/export.csv', async (c) => {
      requirePermission(requirePrincipal(c), 'audit:read');
      const { filter, problems } = readAuditFilter(c);
      if (problems.length) throw new Invalid(problems);
      c.set('audit', { action: 'audit.export', target: 'audit_log', detail: { ...filter }, always: true });
      return c.body(auditCsv(await allMatching(audit, filter)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="audit-log.csv"',
      });
    });
}
