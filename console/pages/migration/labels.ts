import { html } from 'hono/html';
import type { MigrationState, MigrationStrategy } from '../../../core/migration-lifecycle.ts';
import type { MessageKey, Translate } from '../../i18n/negotiate.ts';
import type { WaveHealth } from '../../migration/wave-health.ts';
import type { Html } from '../layout.ts';

export { gateText, stateName } from '../../migration/error-names.ts';

/** A state as a badge whose class the stylesheet colours by stage. */
export function stateBadge(t: Translate, state: MigrationState): Html {
  return html`<span class="badge migration-${state}">${t(`migrationState.${state}` as MessageKey)}</span>`;
}

export function healthBadge(t: Translate, health: WaveHealth): Html {
  return html`<span class="badge health-${health}">${t(`waveHealth.${health}` as MessageKey)}</span>`;
}

export function strategyName(t: Translate, strategy: MigrationStrategy | null): string {
  return strategy ? t(`migrationStrategy.${strategy}` as MessageKey) : '—';
}

/**
 * The words on a move's button: the target state's verb, except where one target means two
 * things — back to ready-for-test is a rollback from testing or a failed cut-over, a return to
 * the state a request was held from is a resume, and a returned request is resubmitted.
 */
export function moveLabel(t: Translate, from: MigrationState, to: MigrationState): string {
  if (from === 'on-hold' && to !== 'cancelled')
    return t('migrationMove.resume', { state: t(`migrationState.${to}` as MessageKey) });
  if (to === 'ready-for-test' && (from === 'testing' || from === 'cutting-over')) return t('migrationMove.rollback');
  if (to === 'submitted' && from === 'returned') return t('migrationMove.resubmit');
  return t(`migrationMove.${to}` as MessageKey);
}
