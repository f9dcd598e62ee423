import type { Context } from 'hono';
import { html } from 'hono/html';
import type { ResourceKey } from '../../../core/capacity.ts';
import { type MigrationState, migrationStrategies } from '../../../core/migration-lifecycle.ts';
import type { Env } from '../../http/env.ts';
import type { MessageKey } from '../../i18n/negotiate.ts';
import { reasonedMoves } from '../../migration/move-input.ts';
import type { OfferedMove } from '../../migration/service.ts';
import type { MigrationRequestView } from '../../migration/views.ts';
import type { WaveView } from '../../migration/waves.ts';
import { type AmountValues, amountFields } from '../amount-fields.ts';
import type { FormProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html } from '../layout.ts';
import { gateText, moveLabel } from './labels.ts';

/** A refused move, shown again in its own form with what was typed. */
export type MoveAttempt = {
  to: MigrationState;
  typed: Record<string, string>;
  amounts: AmountValues;
  problems: FormProblems;
};

const dangerous: readonly MigrationState[] = ['rejected', 'cancelled', 'on-hold'];

/**
 * One form per move the caller may make now, each posting the version the page was rendered
 * with and a comment (required for returning and rejecting). The assessment asks for strategy,
 * readiness and optional sizing (and may raise a quota request for it); planning asks for the
 * wave and the cutover window. A gated move lists what its gates still miss, so the operator sees
 * the refusal coming; the service checks again when the form is posted.
 */
export function moveForms(
  c: Context<Env>,
  r: MigrationRequestView,
  offered: readonly OfferedMove[],
  opts: { waves: readonly WaveView[]; sizingKeys: readonly ResourceKey[]; attempt?: MoveAttempt },
): Html {
  const t = c.get('t');
  if (!offered.length) return html``;
  const action = `/migration/requests/${encodeURIComponent(r.id)}/moves`;
  const form = (m: OfferedMove) => {
    const mine = opts.attempt?.to === m.to ? opts.attempt : undefined;
    const typed = (name: string) => mine?.typed[name] ?? '';
    const e = mine?.problems.fields ?? {};
    const invalid = (name: string) => (e[name] ? 'true' : 'false');
    const required = reasonedMoves.includes(m.to);
    const extra =
      m.to === 'assessed'
        ? html`<label>${t('migration.strategy')} <select name="strategy" required aria-invalid="${invalid('strategy')}"><option value="">${t('common.choose')}</option>${migrationStrategies.map(
            (s) =>
              html`<option value="${s}"${typed('strategy') === s ? html` selected` : ''}>${t(`migrationStrategy.${s}` as MessageKey)}</option>`,
          )}</select>${fieldError(e.strategy)}</label>
  <label>${t('migration.readiness')} <textarea name="readiness" rows="3" maxlength="4000" required aria-invalid="${invalid('readiness')}">${typed('readiness')}</textarea>${fieldError(e.readiness)}</label>
  <p class="hint">${t('migration.sizingHelp')}</p>
  ${amountFields(t, opts.sizingKeys, mine?.amounts ?? {}, e)}${fieldError(e.sizing)}
  <label class="check"><input type="checkbox" name="raiseQuotaRequest" value="1"${typed('raiseQuotaRequest') ? html` checked` : ''}> ${t('migration.raiseQuotaRequest')}</label>${fieldError(e.targetSite)}`
        : m.to === 'planned'
          ? html`<label>${t('migration.wave')} <select name="wave" required aria-invalid="${invalid('wave')}"><option value="">${t('common.choose')}</option>${opts.waves.map(
              (w) =>
                html`<option value="${w.code}"${typed('wave') === w.code ? html` selected` : ''}>${w.position}. ${w.name} (${w.code})</option>`,
            )}</select>${fieldError(e.wave)}</label>
  <label>${t('migration.cutoverStart')} <input type="datetime-local" name="cutoverStart" value="${typed('cutoverStart')}" required aria-invalid="${invalid('cutoverStart')}">${fieldError(e.cutoverStart)}</label>
  <label>${t('migration.cutoverEnd')} <input type="datetime-local" name="cutoverEnd" value="${typed('cutoverEnd')}" required aria-invalid="${invalid('cutoverEnd')}">${fieldError(e.cutoverEnd)}</label>
  <p class="hint">${t('migration.utcHint')}</p>`
          : '';
    const gates = m.gates.length
      ? html`<ul class="gates unmet">${m.gates.map((g) => html`<li>${gateText(t, g)}</li>`)}</ul>`
      : '';
    const label = moveLabel(t, r.state, m.to);
    return html`<form method="post" action="${action}" class="stacked move" id="move-${m.to}">
  <h3>${label}</h3>${csrfField(c)}
  <input type="hidden" name="to" value="${m.to}"><input type="hidden" name="version" value="${r.version}">
  ${gates}${extra}
  <label>${t('migration.comment')} <textarea name="comment" rows="2" maxlength="2000"${required ? html` required` : ''} aria-invalid="${invalid('comment')}">${typed('comment')}</textarea>${fieldError(e.comment)}</label>
  <p><button type="submit"${dangerous.includes(m.to) ? html` class="danger"` : m.gates.length ? html` class="secondary"` : ''}>${label}</button></p>
</form>`;
  };
  return html`<h2>${t('common.actions')}</h2><div class="actions-grid">${offered.map(form)}</div>`;
}
