import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { drillResults } from '../../../core/dr.ts';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import { type DrillQuery, type DrillSort, type DrillView, drillOutcomes, drillSorts } from '../../dr/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { type FormProblems, formProblems, formText, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { hrefWith, messages, oneOf, type SortOrder, sortableHeader } from '../list-links.ts';
import { offsetOf, offsetPager } from '../offset-pager.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import { drTabs, durationText, resultBadge, resultLabel, systemHref } from './labels.ts';

const pageSize = 50;
const planFields = ['system', 'site', 'plannedOn'] as const;
type PlanValues = Record<(typeof planFields)[number], string>;
const recordFields = [
  'executedAt',
  'result',
  'measuredRtoSeconds',
  'measuredRpoSeconds',
  'evidence',
  'attachments',
  'cleanupConfirmed',
] as const;
type RecordValues = Record<(typeof recordFields)[number], string>;

type DrillFilter = Omit<DrillQuery, 'sort' | 'order' | 'limit'> & { sort: DrillSort; order: SortOrder; offset: number };

function drillFilter(c: Context<Env>): DrillFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  return {
    system: text('system', 64),
    site: text('site', 64),
    department: text('department', 32),
    outcome: oneOf(drillOutcomes, c.req.query('outcome')),
    sort: oneOf(drillSorts, c.req.query('sort')) ?? 'planned',
    // Newest first unless asked otherwise: the log is read from the latest drill down.
    order: c.req.query('order') === 'asc' ? 'asc' : 'desc',
    offset: offsetOf(c.req.query('offset')),
  };
}

function filterParams(f: DrillFilter) {
  const { system, site, department, outcome, sort, order } = f;
  return { system, site, department, outcome, sort, order };
}

function drillRow(c: Context<Env>, d: DrillView, canWrite: boolean): Html {
  const t = c.get('t');
  const vs = (m: number | null, target: number | null) =>
    t('dr.measuredVsTarget', { measured: durationText(t, m), target: durationText(t, target) });
  return html`<tr id="drill-${d.id}"><td class="nowrap">${d.plannedOn}</td><td><a href="${systemHref(d.system)}">${d.system}</a><br><small>${d.systemName}</small></td>
<td>${d.siteName}</td><td class="nowrap">${d.executedAt ? utcMinute(d.executedAt) : '—'}</td><td>${resultBadge(t, d.result)}</td>
<td class="rto">${vs(d.measuredRtoSeconds, d.targetRtoSeconds)}</td><td class="rpo">${vs(d.measuredRpoSeconds, d.targetRpoSeconds)}</td>
<td>${d.evidence}${d.attachments.length ? html`<br><small class="muted">${d.attachments.join(' · ')}</small>` : ''}</td>
<td>${canWrite ? html`<a href="/dr/drills/${d.id}/record">${t('dr.record')}</a>` : ''}</td></tr>`;
}

/**
 * The drill log (filters, sorting, pages of 50), a form to plan a drill and one to record its
 * execution, for operators. Refused forms come back with messages beside the fields.
 */
export function drDrillPages(deps: Deps) {
  const { dr, uow } = deps;

  async function renderLog(c: Context<Env>, plan?: { values: PlanValues; problems: FormProblems }) {
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const t = c.get('t');
    const f = drillFilter(c);
    const canWrite = holds(p, 'dr:write');
    const [page, sites, demo] = await Promise.all([dr.drills(p, { ...f, limit: pageSize }), dr.sites(), isDemo(uow)]);
    const drSites = sites.filter((s) => s.role !== 'production');
    const list = (params: Record<string, string | number | undefined>) => hrefWith('/dr/drills', params);
    const header = (column: DrillSort, label: string) =>
      sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
    const values = plan?.values ?? { system: f.system ?? '', site: '', plannedOn: '' };
    const e = plan?.problems.fields ?? {};
    const notices = c.req.query('planned')
      ? [t('dr.drillPlanned')]
      : c.req.query('recorded')
        ? [t('dr.drillRecorded')]
        : [];
    const body = html`${drTabs(t, '/dr/drills')}
${messages(notices)}
${runbookLinks(t, 'dr', ['DrDrillOverdue'])}
<form method="get" action="/dr/drills" class="filters" role="search"
  hx-get="/dr/drills" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change">
  <label>${t('dr.system')} <input name="system" value="${f.system ?? ''}" maxlength="64" size="14"></label>
  <label>${t('dr.site')} <select name="site"><option value="">${t('common.all')}</option>
    ${drSites.map((s) => html`<option value="${s.code}"${f.site === s.code ? html` selected` : ''}>${s.name}</option>`)}</select></label>
  <label>${t('dr.department')} <input name="department" value="${f.department ?? ''}" maxlength="32" size="12"></label>
  <label>${t('dr.result')} <select name="outcome"><option value="">${t('common.all')}</option>
    ${drillOutcomes.map((o) => html`<option value="${o}"${f.outcome === o ? html` selected` : ''}>${resultLabel(t, o)}</option>`)}</select></label>
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/dr/drills">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span></p>
  ${
    page.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="dr-drills">
  <thead hx-boost="true"><tr>${header('planned', t('dr.plannedOn'))}${header('system', t('dr.system'))}<th>${t('dr.site')}</th>${header('executed', t('dr.executedAt'))}${header('result', t('dr.result'))}<th>${t('dr.rto')}</th><th>${t('dr.rpo')}</th><th>${t('dr.evidence')}</th><th></th></tr></thead>
  <tbody>${page.items.map((d) => drillRow(c, d, canWrite))}</tbody>
</table>`
  }
  ${offsetPager(t, page.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), offset }))}
</div>
${
  canWrite
    ? html`<form method="post" action="/dr/drills" class="stacked" id="plan">
  ${csrfField(c)}
  <fieldset><legend>${t('dr.planDrill')}</legend>
  ${messages([], plan?.problems.general ?? [])}
  <label>${t('dr.system')} <input name="system" value="${values.system}" maxlength="64" required aria-invalid="${e.system ? 'true' : 'false'}">${fieldError(e.system)}</label>
  <label>${t('dr.site')} <select name="site" required aria-invalid="${e.site ? 'true' : 'false'}"><option value="">${t('common.choose')}</option>
    ${drSites.map((s) => html`<option value="${s.code}"${values.site === s.code ? html` selected` : ''}>${s.name}</option>`)}</select>${fieldError(e.site)}</label>
  <label>${t('dr.plannedOn')} <input type="date" name="plannedOn" value="${values.plannedOn}" required aria-invalid="${e.plannedOn ? 'true' : 'false'}">${fieldError(e.plannedOn)}</label>
  <p><button type="submit">${t('dr.plan')}</button></p>
  </fieldset>
</form>`
    : ''
}`;
    return c.html(
      layout(c, { title: t('dr.drillsTitle'), body, demo, active: '/dr' }),
      (plan?.problems.status ?? 200) as ContentfulStatusCode,
    );
  }

  async function renderRecord(c: Context<Env>, id: string, values?: RecordValues, problems: FormProblems = noProblems) {
    const p = requirePrincipal(c);
    requirePermission(p, 'dr:write');
    const t = c.get('t');
    const [d, demo] = await Promise.all([dr.drill(p, id), isDemo(uow)]);
    const v: RecordValues = values ?? {
      executedAt: d.executedAt ?? '',
      result: d.result ?? '',
      measuredRtoSeconds: d.measuredRtoSeconds === null ? '' : String(d.measuredRtoSeconds),
      measuredRpoSeconds: d.measuredRpoSeconds === null ? '' : String(d.measuredRpoSeconds),
      evidence: d.evidence,
      attachments: d.attachments.join('\n'),
      cleanupConfirmed: d.cleanupConfirmed ? 'on' : '',
    };
    const e = problems.fields;
    const input = (name: (typeof recordFields)[number], label: string, extra: Html | string = '', hint?: string) =>
      html`<label>${label} <input name="${name}" value="${v[name]}" aria-invalid="${e[name] ? 'true' : 'false'}"${extra}>${hint ? html`<span class="hint">${hint}</span>` : ''}${fieldError(e[name])}</label>`;
    const body = html`${messages([], problems.general)}
<p>${t('dr.plannedOn')}: ${d.plannedOn} · ${t('dr.rto')} ${t('dr.target')}: ${durationText(t, d.targetRtoSeconds)} · ${t('dr.rpo')} ${t('dr.target')}: ${durationText(t, d.targetRpoSeconds)}</p>
<form method="post" action="/dr/drills/${d.id}/record" class="stacked">
  ${csrfField(c)}
  ${input('executedAt', t('dr.executedAt'), html` required size="24"`, t('dr.executedAtHelp'))}
  <label>${t('dr.result')} <select name="result" required aria-invalid="${e.result ? 'true' : 'false'}"><option value="">${t('common.choose')}</option>
    ${drillResults.map((r) => html`<option value="${r}"${v.result === r ? html` selected` : ''}>${resultLabel(t, r)}</option>`)}</select>${fieldError(e.result)}</label>
  ${input('measuredRtoSeconds', t('dr.measuredRto'), html` inputmode="numeric" size="8"`)}
  ${input('measuredRpoSeconds', t('dr.measuredRpo'), html` inputmode="numeric" size="8"`)}
  <label>${t('dr.evidence')} <textarea name="evidence" rows="3" maxlength="4000">${v.evidence}</textarea>${fieldError(e.evidence)}</label>
  <label>${t('dr.attachments')} <textarea name="attachments" rows="3">${v.attachments}</textarea><span class="hint">${t('dr.attachmentsHelp')}</span>${fieldError(e.attachments)}</label>
  <label><input type="checkbox" name="cleanupConfirmed"${v.cleanupConfirmed ? html` checked` : ''}> ${t('dr.cleanup')}</label>
  <p><button type="submit">${t('dr.record')}</button> <a href="${systemHref(d.system)}#dr">${t('common.cancel')}</a></p>
</form>`;
    return c.html(
      layout(c, { title: t('dr.recordDrill', { system: d.system, site: d.siteName }), body, demo, active: '/dr' }),
      problems.status as ContentfulStatusCode,
    );
  }

  return new Hono<Env>()
    .get('/dr/drills', (c) => renderLog(c))
    .post('/dr/drills', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const form = await c.req.parseBody();
      const values = Object.fromEntries(planFields.map((f) => [f, formText(form[f]).trim()])) as PlanValues;
      c.set('audit', {
        action: 'dr_drill.plan',
        target: `system:${values.system}/site:${values.site}`,
        detail: values,
      });
      try {
        const drill = await dr.planDrill(p, values);
        return c.redirect(hrefWith('/dr/drills', { system: drill.system, planned: 1 }), 303);
      } catch (e) {
        return renderLog(c, { values, problems: formProblems(c, e, planFields) });
      }
    })
    .get('/dr/drills/:id/record', (c) => renderRecord(c, c.req.param('id')))
    .post('/dr/drills/:id/record', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const id = c.req.param('id');
      const form = await c.req.parseBody();
      const values = Object.fromEntries(recordFields.map((f) => [f, formText(form[f]).trim()])) as RecordValues;
      const number = (s: string) => (s === '' ? null : Number(s));
      const input = {
        executedAt: values.executedAt || undefined,
        result: values.result || undefined,
        measuredRtoSeconds: number(values.measuredRtoSeconds),
        measuredRpoSeconds: number(values.measuredRpoSeconds),
        evidence: values.evidence,
        attachments: values.attachments
          .split('\n')
          .map((a) => a.trim())
          .filter(Boolean),
        cleanupConfirmed: values.cleanupConfirmed !== '',
      };
      c.set('audit', { action: 'dr_drill.record', target: `drill:${id}`, detail: { result: input.result ?? null } });
      try {
        const drill = await dr.recordDrill(p, id, input);
        return c.redirect(hrefWith('/dr/drills', { system: drill.system, recorded: 1 }), 303);
      } catch (e) {
        return renderRecord(c, id, values, formProblems(c, e, recordFields));
      }
    });
}
