import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { milestoneStatuses, siteStatuses } from '../../../core/dr.ts';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { DrSiteView, MilestoneView } from '../../dr/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { MessageKey } from '../../i18n/negotiate.ts';
import { type FormProblems, formProblems, formText, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { utcMinute } from '../site-reading.ts';
import { drTabs, milestoneLabel, milestoneStatusLabel, siteStatusLabel } from './labels.ts';

const milestoneFields = ['status', 'documentNo', 'decidedOn', 'note'] as const;
type MilestoneValues = Record<(typeof milestoneFields)[number], string>;
type Edited = { site: string; kind: string; values: MilestoneValues; problems: FormProblems };

const statusClass: Record<MilestoneView['status'], string> = {
  'not-started': 'status-withdrawn',
  'in-progress': 'status-pending',
  approved: 'status-approved',
  rejected: 'status-rejected',
};

function milestoneRow(c: Context<Env>, site: DrSiteView, m: MilestoneView, canWrite: boolean, edited?: Edited): Html {
  const t = c.get('t');
  const mine = edited?.site === site.code && edited.kind === m.kind ? edited : undefined;
  const v: MilestoneValues = mine?.values ?? {
    status: m.status,
    documentNo: m.documentNo ?? '',
    decidedOn: m.decidedOn ?? '',
    note: m.note,
  };
  const e = mine?.problems.fields ?? {};
  const form = `milestone-${site.code}-${m.kind}`;
  const cells = canWrite
    ? html`<td><select name="status" form="${form}" aria-invalid="${e.status ? 'true' : 'false'}">${milestoneStatuses.map(
        (s) =>
          html`<option value="${s}"${v.status === s ? html` selected` : ''}>${milestoneStatusLabel(t, s)}</option>`,
      )}</select>${fieldError(e.status)}</td>
<td><input name="documentNo" form="${form}" value="${v.documentNo}" maxlength="100" aria-invalid="${e.documentNo ? 'true' : 'false'}">${fieldError(e.documentNo)}</td>
<td><input type="date" name="decidedOn" form="${form}" value="${v.decidedOn}" aria-invalid="${e.decidedOn ? 'true' : 'false'}">${fieldError(e.decidedOn)}</td>
<td><input name="note" form="${form}" value="${v.note}" maxlength="1000">${messages([], mine?.problems.general ?? [])}</td>
<td><form method="post" action="/dr/sites/${site.code}/milestones/${m.kind}" id="${form}">${csrfField(c)}<button type="submit">${t('common.save')}</button></form></td>`
    : html`<td><span class="${statusClass[m.status]}">${milestoneStatusLabel(t, m.status)}</span></td><td>${m.documentNo ?? ''}</td><td class="nowrap">${m.decidedOn ?? ''}</td><td>${m.note}</td>
<td><small class="muted">${m.updatedAt && m.updatedBy ? t('dr.updated', { at: utcMinute(m.updatedAt), by: m.updatedBy }) : ''}</small></td>`;
  return html`<tr id="${form}-row"><th scope="row">${milestoneLabel(t, m.kind)}</th>${cells}</tr>`;
}

function siteBlock(c: Context<Env>, s: DrSiteView, canWrite: boolean, edited?: Edited): Html {
  const t = c.get('t');
  return html`<section class="dr-site" id="site-${s.code}">
<h2>${s.name} <small class="muted">${t(`siteRole.${s.role}` as MessageKey)} · ${s.code}</small></h2>
<p>${t('dr.status')}: <strong class="site-status">${siteStatusLabel(t, s.status)}</strong> · ${t('dr.approvedOf', { approved: s.approved, total: s.milestones.length })}</p>
${
  canWrite
    ? html`<form method="post" action="/dr/sites/${s.code}/status" class="inline">${csrfField(c)}
  <label>${t('dr.status')} <select name="status">${siteStatuses.map((x) => html`<option value="${x}"${s.status === x ? html` selected` : ''}>${siteStatusLabel(t, x)}</option>`)}</select></label>
  <button type="submit">${t('dr.setStatus')}</button></form>`
    : ''
}
<table class="milestones"><caption>${t('dr.milestones')}</caption>
<thead><tr><th>${t('dr.milestone')}</th><th>${t('dr.status')}</th><th>${t('dr.documentNo')}</th><th>${t('dr.decidedOn')}</th><th>${t('dr.note')}</th><th></th></tr></thead>
<tbody>${s.milestones.map((m) => milestoneRow(c, s, m, canWrite, edited))}</tbody></table>
</section>`;
}

/**
 * The sites of 两地三中心 and their construction: status, and each approval milestone with its
 * document number and date; operators change them in place. The remote DR centre under
 * construction is the one this page is for.
 */
export function drSitesPage(deps: Deps) {
  const { dr, uow } = deps;
  async function render(c: Context<Env>, edited?: Edited) {
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const t = c.get('t');
    const [sites, demo] = await Promise.all([dr.sites(), isDemo(uow)]);
    const canWrite = holds(p, 'dr:write');
    const body = html`${drTabs(t, '/dr/sites')}
${messages(c.req.query('saved') ? [t('dr.saved')] : [])}
${sites.map((s) => siteBlock(c, s, canWrite, edited))}`;
    return c.html(
      layout(c, { title: t('dr.sitesTitle'), body, demo, active: '/dr' }),
      (edited?.problems.status ?? noProblems.status) as ContentfulStatusCode,
    );
  }

  return new Hono<Env>()
    .get('/dr/sites', (c) => render(c))
    .post('/dr/sites/:code/status', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const code = c.req.param('code');
      const status = formText((await c.req.parseBody()).status);
      c.set('audit', { action: 'dr_site.status', target: `site:${code}`, detail: { status } });
      await dr.setSiteStatus(code, { status });
      return c.redirect(`/dr/sites?saved=1#site-${encodeURIComponent(code)}`, 303);
    })
    .post('/dr/sites/:code/milestones/:kind', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const { code, kind } = c.req.param();
      const form = await c.req.parseBody();
      const values = Object.fromEntries(milestoneFields.map((f) => [f, formText(form[f]).trim()])) as MilestoneValues;
      const input = {
        status: values.status,
        documentNo: values.documentNo || null,
        decidedOn: values.decidedOn || null,
        note: values.note,
      };
      c.set('audit', { action: 'dr_site.milestone', target: `site:${code}/milestone:${kind}`, detail: input });
      try {
        await dr.setMilestone(code, kind, input, p.name);
        return c.redirect(`/dr/sites?saved=1#site-${encodeURIComponent(code)}`, 303);
      } catch (e) {
        return render(c, { site: code, kind, values, problems: formProblems(c, e, milestoneFields) });
      }
    });
}
