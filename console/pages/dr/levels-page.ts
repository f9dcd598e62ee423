import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { DrLevelView } from '../../dr/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { type FormProblems, formProblems, formText, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { utcMinute } from '../site-reading.ts';
import { drTabs, durationText } from './labels.ts';

const levelFields = [
  'nameEn',
  'nameZh',
  'rtoText',
  'rpoText',
  'rtoMaxSeconds',
  'rpoMaxSeconds',
  'needsRealTime',
] as const;
type LevelValues = Record<(typeof levelFields)[number], string>;
type Edited =
  | { kind: 'level'; level: number; values: LevelValues; problems: FormProblems }
  | { kind: 'settings'; value: string; problems: FormProblems };

const asValues = (l: DrLevelView): LevelValues => ({
  nameEn: l.nameEn,
  nameZh: l.nameZh,
  rtoText: l.rtoText,
  rpoText: l.rpoText,
  rtoMaxSeconds: String(l.rtoMaxSeconds),
  rpoMaxSeconds: String(l.rpoMaxSeconds),
  needsRealTime: l.needsRealTime ? 'on' : '',
});

function levelForm(c: Context<Env>, level: number, v: LevelValues, problems: FormProblems): Html {
  const t = c.get('t');
  const e = problems.fields;
  const input = (
    name: Exclude<(typeof levelFields)[number], 'needsRealTime'>,
    label: string,
    extra: Html | string = '',
  ) =>
    html`<label>${label} <input name="${name}" value="${v[name]}" required aria-invalid="${e[name] ? 'true' : 'false'}"${extra}>${fieldError(e[name])}</label>`;
  return html`<form method="post" action="/dr/levels/${level}" class="stacked" id="level-form-${level}">
  ${csrfField(c)}
  <fieldset><legend>${t('dr.correctLevel', { level })}</legend>
  ${messages([], problems.general)}
  ${input('nameEn', t('dr.nameEn'), html` maxlength="200"`)}
  ${input('nameZh', t('dr.nameZh'), html` maxlength="200"`)}
  ${input('rtoText', t('dr.rtoText'), html` maxlength="100"`)}
  ${input('rpoText', t('dr.rpoText'), html` maxlength="100"`)}
  ${input('rtoMaxSeconds', t('dr.rtoMax'), html` inputmode="numeric" size="8"`)}
  ${input('rpoMaxSeconds', t('dr.rpoMax'), html` inputmode="numeric" size="8"`)}
  <label><input type="checkbox" name="needsRealTime"${v.needsRealTime ? html` checked` : ''}> ${t('dr.needsRealTime')}</label>
  <p><button type="submit">${t('common.save')}</button></p>
  </fieldset>
</form>`;
}

/**
 * The GB/T 20988 level table as the console computes with it — the standard's texts beside the
 * bounds — and the drill-overdue period; operators correct both here (achieved levels follow).
 */
export function drLevelsPage(deps: Deps) {
  const { dr, uow } = deps;
  async function render(c: Context<Env>, edited?: Edited) {
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const t = c.get('t');
    const zh = c.get('lang') === 'zh-CN';
    const [levels, settings, demo] = await Promise.all([dr.levels(), dr.settings(), isDemo(uow)]);
    const canWrite = holds(p, 'dr:write');
    const se = edited?.kind === 'settings' ? edited.problems : noProblems;
    const body = html`${drTabs(t, '/dr/levels')}
${messages(c.req.query('saved') ? [t('dr.saved')] : [])}
<p class="hint">${t('dr.levelsHelp')}</p>
<table class="dr-levels">
<thead><tr><th>${t('dr.levelNumber')}</th><th>${t('dr.name')}</th><th>${t('dr.rtoText')}</th><th>${t('dr.rpoText')}</th><th>${t('dr.rtoMax')}</th><th>${t('dr.rpoMax')}</th><th>${t('dr.needsRealTime')}</th><th></th></tr></thead>
<tbody>${levels.map(
      (
        l,
      ) => html`<tr id="level-${l.level}"><th scope="row">${l.level}</th><td>${zh ? l.nameZh : l.nameEn}</td><td>${l.rtoText}</td><td>${l.rpoText}</td>
<td class="num">${durationText(t, l.rtoMaxSeconds)}</td><td class="num">${durationText(t, l.rpoMaxSeconds)}</td><td>${l.needsRealTime ? t('common.yes') : t('common.no')}</td>
<td><small class="muted">${t('dr.updated', { at: utcMinute(l.updatedAt), by: l.updatedBy })}</small></td></tr>`,
    )}</tbody>
</table>
<p>${t('dr.overdueMonths')}: <strong id="overdue-months">${settings.drillOverdueMonths}</strong></p>
${
  canWrite
    ? html`<form method="post" action="/dr/settings" class="stacked" id="settings-form">${csrfField(c)}
  ${messages([], se.general)}
  <label>${t('dr.overdueMonths')} <input name="drillOverdueMonths" value="${edited?.kind === 'settings' ? edited.value : settings.drillOverdueMonths}" inputmode="numeric" size="4" required aria-invalid="${se.fields.drillOverdueMonths ? 'true' : 'false'}">
  <span class="hint">${t('dr.overdueHelp')}</span>${fieldError(se.fields.drillOverdueMonths)}</label>
  <p><button type="submit">${t('common.save')}</button></p></form>
<div class="actions-grid">${levels.map((l) =>
        edited?.kind === 'level' && edited.level === l.level
          ? levelForm(c, l.level, edited.values, edited.problems)
          : levelForm(c, l.level, asValues(l), noProblems),
      )}</div>`
    : ''
}`;
    return c.html(
      layout(c, { title: t('dr.levelsTitle'), body, demo, active: '/dr' }),
      (edited?.problems.status ?? 200) as ContentfulStatusCode,
    );
  }

  return new Hono<Env>()
    .get('/dr/levels', (c) => render(c))
    .post('/dr/levels/:level', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const level = Number(c.req.param('level'));
      const form = await c.req.parseBody();
      const values = Object.fromEntries(levelFields.map((f) => [f, formText(form[f]).trim()])) as LevelValues;
      const number = (s: string) => (s === '' ? undefined : Number(s));
      const input = {
        nameEn: values.nameEn,
        nameZh: values.nameZh,
        rtoText: values.rtoText,
        rpoText: values.rpoText,
        rtoMaxSeconds: number(values.rtoMaxSeconds),
        rpoMaxSeconds: number(values.rpoMaxSeconds),
        needsRealTime: values.needsRealTime !== '',
      };
      c.set('audit', { action: 'dr_level.correct', target: `dr_level:${level}`, detail: input });
      try {
        await dr.correctLevel(level, input, p.name);
        return c.redirect('/dr/levels?saved=1', 303);
      } catch (e) {
        return render(c, { kind: 'level', level, values, problems: formProblems(c, e, levelFields) });
      }
    })
    .post('/dr/settings', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const value = formText((await c.req.parseBody()).drillOverdueMonths).trim();
      const input = { drillOverdueMonths: value === '' ? undefined : Number(value) };
      c.set('audit', { action: 'dr_settings.set', target: 'dr_settings', detail: input });
      try {
        await dr.setSettings(input);
        return c.redirect('/dr/levels?saved=1', 303);
      } catch (e) {
        return render(c, { kind: 'settings', value, problems: formProblems(c, e, ['drillOverdueMonths']) });
      }
    });
}
