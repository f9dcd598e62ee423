import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { LinkClassThresholds } from '../../../core/link-state.ts';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { LinkClassView, LinksService } from '../../extranet/links-service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type FormProblems, formProblems, formText, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { utcMinute } from '../site-reading.ts';
import { classLabel } from './link-labels.ts';

export const thresholdFields = [
  'maxLossRatio',
  'maxRttMs',
  'downAfterFailedRounds',
  'upAfterGoodRounds',
  'unknownAfterIntervals',
] as const satisfies readonly (keyof LinkClassThresholds)[];

type Values = Record<(typeof thresholdFields)[number], string>;

function classForm(c: Context<Env>, k: LinkClassView, values: Values, problems: FormProblems): Html {
  const t = c.get('t');
  const e = problems.fields;
  return html`<form method="post" action="/extranet/thresholds/${k.class}" class="stacked" id="form-${k.class}">
  ${csrfField(c)}
  <fieldset><legend>${classLabel(t, k.class)}</legend>
  ${messages([], problems.general)}
  ${thresholdFields.map(
    (
      f,
    ) => html`<label>${t(`thresholds.${f}`)} <input name="${f}" value="${values[f]}" inputmode="decimal" required aria-invalid="${e[f] ? 'true' : 'false'}">
    <span class="hint">${t('thresholds.default', { value: k.defaults[f] })}</span>${fieldError(e[f])}</label>`,
  )}
  <p><button type="submit">${t('common.save')}</button></p>
  </fieldset>
</form>`;
}

const asValues = (th: LinkClassThresholds): Values =>
  Object.fromEntries(thresholdFields.map((f) => [f, String(th[f])])) as Values;

/**
 * The thresholds of every level beside their defaults, and for network operators a form per
 * level. A refused form comes back with its messages beside the fields, nothing saved.
 */
export function thresholdsPage({ links, uow }: { links: LinksService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, edited?: { class: string; values: Values; problems: FormProblems }) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const [classes, demo] = await Promise.all([links.classes(), isDemo(uow)]);
    const saved = classes.find((k) => k.class === c.req.query('saved'));
    const canWrite = holds(p, 'extranet:write');
    const body = html`${messages(saved ? [t('thresholds.saved', { class: classLabel(t, saved.class) })] : [])}
<p class="hint">${t('thresholds.help')}</p>
<table class="thresholds">
  <thead><tr><th></th>${classes.map((k) => html`<th id="class-${k.class}">${classLabel(t, k.class)}</th>`)}</tr></thead>
  <tbody>${thresholdFields.map(
    (f) =>
      html`<tr><th scope="row">${t(`thresholds.${f}`)}</th>${classes.map(
        (k) =>
          html`<td class="num">${k.thresholds[f]}${k.thresholds[f] !== k.defaults[f] ? html` <small class="muted">(${t('thresholds.default', { value: k.defaults[f] })})</small>` : ''}</td>`,
      )}</tr>`,
  )}
  <tr><th scope="row"></th>${classes.map(
    (k) =>
      html`<td><small class="muted">${k.updatedBy && k.updatedAt ? t('thresholds.changed', { by: k.updatedBy, at: utcMinute(k.updatedAt) }) : t('thresholds.defaults')}</small></td>`,
  )}</tr></tbody>
</table>
${
  canWrite
    ? html`<div class="actions-grid">${classes.map((k) =>
        edited?.class === k.class
          ? classForm(c, k, edited.values, edited.problems)
          : classForm(c, k, asValues(k.thresholds), noProblems),
      )}</div>`
    : ''
}
<p><a href="/extranet">${t('common.back')}</a></p>`;
    return c.html(
      layout(c, { title: t('thresholds.title'), body, demo, active: '/extranet' }),
      (edited?.problems.status ?? 200) as ContentfulStatusCode,
    );
  }

  return new Hono<Env>()
    .get('/extranet/thresholds', (c) => {
      requirePermission(requirePrincipal(c), 'extranet:read');
      return render(c);
    })
    .post('/extranet/thresholds/:class', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const linkClass = c.req.param('class');
      const form = await c.req.parseBody();
      const values = Object.fromEntries(thresholdFields.map((f) => [f, formText(form[f]).trim()])) as Values;
      const input = Object.fromEntries(
        thresholdFields.map((f) => [f, values[f] === '' ? undefined : Number(values[f])]),
      );
      c.set('audit', { action: 'link_class.update', target: `link_class:${linkClass}`, detail: { thresholds: input } });
      try {
        await links.setClassThresholds(linkClass, input, p.name);
        return c.redirect(`/extranet/thresholds?saved=${encodeURIComponent(linkClass)}`, 303);
      } catch (e) {
        return render(c, { class: linkClass, values, problems: formProblems(c, e, thresholdFields) });
      }
    });
}
