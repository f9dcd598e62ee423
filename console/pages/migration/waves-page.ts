import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { DomainError, Invalid } from '../../../core/errors.ts';
import { deliveryStates } from '../../../core/migration-lifecycle.ts';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { WaveInput, WaveView } from '../../migration/waves.ts';
import { type FormProblems, formProblems, formText, givenOrUndefined } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { hrefWith, messages } from '../list-links.ts';
import { utcMinute } from '../site-reading.ts';
import { requestRows } from './requests-list.ts';
import { healthBadge, stateName } from './labels.ts';

/** Requests listed under each wave; the rest are one link away in the filtered list. */
const shownPerWave = 20;

/** A `datetime-local` value (UTC) to ISO and back. */
const toIso = (text: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text.trim()) ? `${text.trim()}:00Z` : text.trim();
const toLocal = (iso: string | null) => (iso ? iso.slice(0, 16) : '');

type WaveAttempt = { code: string | null; typed: Record<string, string>; problems: FormProblems };

/**
 * The wave plan: waves in order with their window, progress (requests per delivery state, the
 * share cut over as a bar) and health badge, and their first requests. Operators add waves and
 * change them here; everyone who reads systems sees the plan.
 */
export function wavesPage({ migration, uow }: Pick<Deps, 'migration' | 'uow'>) {
  function waveForm(c: Context<Env>, w: WaveView | null, attempt?: WaveAttempt): Html {
    const t = c.get('t');
    const mine = attempt && attempt.code === (w?.code ?? null) ? attempt : undefined;
    const e = mine?.problems.fields ?? {};
    const v = (name: string, initial: string) => mine?.typed[name] ?? initial;
    return html`<form method="post" action="${w ? `/migration/waves/${encodeURIComponent(w.code)}` : '/migration/waves'}" class="stacked wave-form" id="${w ? `edit-${w.code}` : 'new-wave'}">
  ${csrfField(c)}
  ${w ? '' : html`<label>${t('migration.waveCode')} <input name="code" value="${v('code', '')}" maxlength="32" required aria-invalid="${e.code ? 'true' : 'false'}">${fieldError(e.code)}</label>`}
  <label>${t('migration.waveName')} <input name="name" value="${v('name', w?.name ?? '')}" maxlength="200" required>${fieldError(e.name)}</label>
  <label>${t('migration.wavePosition')} <input name="position" type="number" min="0" value="${v('position', String(w?.position ?? ''))}" required>${fieldError(e.position)}</label>
  <label>${t('migration.windowStart')} <input type="datetime-local" name="windowStart" value="${v('windowStart', toLocal(w?.windowStart ?? null))}">${fieldError(e.windowStart)}</label>
  <label>${t('migration.windowEnd')} <input type="datetime-local" name="windowEnd" value="${v('windowEnd', toLocal(w?.windowEnd ?? null))}">${fieldError(e.windowEnd)}</label>
  <p class="hint">${t('migration.utcHint')}</p>
  <p><button type="submit"${w ? html` class="secondary"` : ''}>${t(w ? 'common.save' : 'migration.createWave')}</button></p>
</form>`;
  }

  async function render(c: Context<Env>, attempt?: WaveAttempt) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const manage = holds(p, 'migration:manage');
    const waves = await migration.waves.list();
    const details = await Promise.all(
      waves.map((w) => migration.list(p, { wave: w.code, sort: 'cutover', limit: shownPerWave })),
    );
    const body = html`${messages(c.req.query('done') ? [t('migration.waveSaved')] : [], attempt?.problems.general ?? [])}
<p class="toolbar"><a href="/migration">${t('migration.boardTitle')}</a></p>
${waves.length ? '' : html`<p class="muted">${t('migration.noWaves')}</p>`}
${waves.map((w, i) => {
  const pct = Math.round(w.cutOverShare * 100);
  const page = details[i]!;
  return html`<section class="wave" id="wave-${w.code}">
  <h2>${w.position}. ${w.name} <code>${w.code}</code> ${healthBadge(t, w.health)}</h2>
  <p class="muted">${t('migration.waveWindow')}: ${w.windowStart ? utcMinute(w.windowStart) : '—'} – ${w.windowEnd ? utcMinute(w.windowEnd) : '—'} UTC</p>
  <p><progress max="100" value="${pct}" aria-label="${t('migration.cutOverShare')}">${pct}%</progress> ${t('migration.waveProgress', { cutOver: w.cutOver, total: w.total, pct })}</p>
  <p class="muted states">${deliveryStates
    .filter((s) => w.byState[s])
    .map((s, j) => html`${j ? ' · ' : ''}${stateName(t, s)} ${w.byState[s]}`)}</p>
  ${requestRows(c, page.items)}
  ${page.total > page.items.length ? html`<p><a href="${hrefWith('/migration/requests', { wave: w.code })}">${t('migration.more', { count: page.total - page.items.length })}</a></p>` : ''}
  ${manage ? html`<details${attempt?.code === w.code ? html` open` : ''}><summary>${t('migration.editWave')}</summary>${waveForm(c, w, attempt)}</details>` : ''}
</section>`;
})}
${manage ? html`<h2>${t('migration.createWave')}</h2>${waveForm(c, null, attempt)}` : ''}`;
    return c.html(
      layout(c, { title: t('migration.wavesTitle'), body, demo: await isDemo(uow), active: '/migration' }),
      attempt?.problems.status ?? 200,
    );
  }

  function readWave(form: Record<string, unknown>): {
    typed: Record<string, string>;
    input: Omit<WaveInput, 'code'> & { code: string };
  } {
    const typed: Record<string, string> = {};
    for (const name of ['code', 'name', 'position', 'windowStart', 'windowEnd']) typed[name] = formText(form[name]);
    const position = Number(typed.position);
    return {
      typed,
      input: {
        code: typed.code!.trim(),
        name: typed.name!.trim(),
        position,
        windowStart: givenOrUndefined(typed.windowStart!) ? toIso(typed.windowStart!) : null,
        windowEnd: givenOrUndefined(typed.windowEnd!) ? toIso(typed.windowEnd!) : null,
      },
    };
  }

  function problemsOf(input: { name: string; position: number }) {
    const problems = [];
    if (!input.name) problems.push({ field: 'name', rule: 'required' });
    if (!Number.isSafeInteger(input.position) || input.position < 0)
      problems.push({ field: 'position', rule: 'required' });
    return problems;
  }

  async function save(c: Context<Env>, code: string | null) {
    const p = requirePrincipal(c);
    requirePermission(p, 'migration:manage');
    const { typed, input } = readWave(await c.req.parseBody());
    c.set('audit', { action: code ? 'wave.update' : 'wave.create', target: `wave:${code ?? input.code}` });
    try {
      const problems = problemsOf(input);
      if (problems.length) throw new Invalid(problems);
      if (code)
        await migration.waves.update(p, code, {
          name: input.name,
          position: input.position,
          windowStart: input.windowStart,
          windowEnd: input.windowEnd,
        });
      else await migration.waves.create(p, input);
      return c.redirect(`/migration/waves?done=1#wave-${encodeURIComponent(code ?? input.code)}`, 303);
    } catch (e) {
      const problems = formProblems(c, e, ['code', 'name', 'position', 'windowStart', 'windowEnd'], {
        wave_exists: 'code',
      });
      const note = c.get('audit');
      if (note && e instanceof DomainError) c.set('audit', { ...note, detail: { error: e.code } });
      return render(c, { code, typed, problems });
    }
  }

  return new Hono<Env>()
    .get('/migration/waves', async (c) => {
      requirePermission(requirePrincipal(c), 'systems:read');
      return render(c);
    })
    .post('/migration/waves', (c) => save(c, null))
    .post('/migration/waves/:code', (c) => save(c, c.req.param('code')));
}
