import { Conflict } from '../../core/errors.ts';
import type { GateProblem } from '../../core/migration-gates.ts';
import type { MigrationState } from '../../core/migration-lifecycle.ts';
import type { MessageKey, Translate } from '../i18n/negotiate.ts';

/** A lifecycle state in the reader's language. */
export function stateName(t: Translate, state: MigrationState): string {
  return t(`migrationState.${state}` as MessageKey);
}

/** One unmet gate in the reader's language, naming the dependency when there is one. */
export function gateText(t: Translate, g: GateProblem): string {
  return t(`migrationGate.${g.gate}` as MessageKey, 'system' in g ? { system: g.system } : {});
}

/**
 * The lifecycle's refusals carry state and gate codes; before the message is built they are
 * named in the caller's language (as the quota pages name resources), the codes staying in the
 * details for programs. Anything else passes through.
 */
export function namedMigrationError(t: Translate, e: unknown): unknown {
  if (!(e instanceof Conflict)) return e;
  const list = (states: readonly MigrationState[]) =>
    states.map((s) => stateName(t, s)).join(t('migration.listSeparator')) || '—';
  if (e.code === 'illegal_transition') {
    const d = e.details as { state: MigrationState; to: MigrationState; allowed: MigrationState[] };
    return new Conflict(e.code, {
      state: stateName(t, d.state),
      to: stateName(t, d.to),
      allowed: list(d.allowed),
    }).with(e.details);
  }
  if (e.code === 'gate_refused') {
    const d = e.details as { state: MigrationState; to: MigrationState; problems: GateProblem[] };
    return new Conflict(e.code, {
      state: stateName(t, d.state),
      to: stateName(t, d.to),
      problems: d.problems.map((g) => gateText(t, g)).join(t('migration.listSeparator')),
    }).with(e.details);
  }
  if (e.code === 'stale' || e.code === 'not_editable' || e.code === 'migration_request_open') {
    const state = e.params.state as MigrationState | undefined;
    return new Conflict(e.code, { ...e.params, ...(state ? { state: stateName(t, state) } : {}) }).with(e.details);
  }
  return e;
}
