import type { Context } from 'hono';
import { html } from 'hono/html';
import { migrationStates } from '../../../core/migration-lifecycle.ts';
import type { Region } from '../../../core/org.ts';
import { isScoped } from '../../../core/principal.ts';
import type { Env } from '../../http/env.ts';
import type { MessageKey } from '../../i18n/negotiate.ts';
import { boardColumnKeys } from '../../migration/board-columns.ts';
import type { RequestFilter } from '../../migration/request-list.ts';
import type { WaveView } from '../../migration/waves.ts';
import type { Html } from '../layout.ts';
import { oneOf } from '../list-links.ts';
import { regionOptions } from '../region-select.ts';

/** The filters the board and the list share, read from the URL (hand-edited values are dropped). */
export function requestFilterOf(c: Context<Env>): RequestFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  const mlps = Number(c.req.query('mlps'));
  return {
    state: oneOf(migrationStates, c.req.query('state')),
    column: oneOf(boardColumnKeys, c.req.query('column')),
    department: text('department', 32),
    region: text('region', 32),
    wave: text('wave', 32),
    mlps: Number.isInteger(mlps) && mlps >= 1 && mlps <= 5 ? mlps : undefined,
    q: text('q', 100),
  };
}

/** The filters as URL parameters, for links that keep them. */
export function filterParams(f: RequestFilter): Record<string, string | number | undefined> {
  return {
    state: f.state,
    column: f.column,
    department: f.department,
    region: f.region,
    wave: f.wave,
    mlps: f.mlps,
    q: f.q,
  };
}

/**
 * The filter form: department (not for department users, who see their own), region, wave, MLPS
 * level, the system's code or name, and on the list the state. Plain GET, so it works without
 * JavaScript; htmx swaps the results in place.
 */
export function filterForm(
  c: Context<Env>,
  action: string,
  f: RequestFilter,
  opts: { regions: readonly Region[]; waves: readonly WaveView[]; withState: boolean; hidden?: Html },
): Html {
  const t = c.get('t');
  const p = c.get('principal');
  const selected = (on: boolean) => (on ? html` selected` : '');
  return html`<form method="get" action="${action}" class="filters" role="search"
  hx-get="${action}" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change">
  <label>${t('migration.system')} <input type="search" name="q" value="${f.q ?? ''}" maxlength="100" placeholder="${t('migration.systemSearch')}"></label>
  ${p && isScoped(p) ? '' : html`<label>${t('migration.department')} <input name="department" value="${f.department ?? ''}" maxlength="32" size="12"></label>`}
  <label>${t('migration.region')} <select name="region">${regionOptions(t, opts.regions, f.region ?? '', 'filter')}</select></label>
  <label>${t('migration.wave')} <select name="wave"><option value="">${t('common.all')}</option>${opts.waves.map(
    (w) => html`<option value="${w.code}"${selected(f.wave === w.code)}>${w.name} (${w.code})</option>`,
  )}</select></label>
  <label>${t('migration.mlps')} <select name="mlps"><option value="">${t('common.all')}</option>${[1, 2, 3, 4, 5].map(
    (l) => html`<option value="${l}"${selected(f.mlps === l)}>${t('migration.mlpsLevel', { level: l })}</option>`,
  )}</select></label>
  ${
    opts.withState
      ? html`<label>${t('migration.state')} <select name="state"><option value="">${t('common.all')}</option>${migrationStates.map(
          (s) =>
            html`<option value="${s}"${selected(f.state === s)}>${t(`migrationState.${s}` as MessageKey)}</option>`,
        )}</select></label>
  ${f.column ? html`<input type="hidden" name="column" value="${f.column}">` : ''}`
      : ''
  }
  ${opts.hidden ?? ''}
  <button type="submit">${t('common.filter')}</button>
  <a href="${action}">${t('common.reset')}</a>
</form>`;
}
