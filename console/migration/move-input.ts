import type { Allocation } from '../../core/capacity.ts';
import type { FieldProblem } from '../../core/errors.ts';
import { type MigrationState, type MigrationStrategy, migrationStrategies } from '../../core/migration-lifecycle.ts';
import type { MigrationRequestsTable } from '../store/schema.ts';

/**
 * What a move carries besides its target: the version the mover saw, a comment (required when a
 * request is returned or rejected: the department must learn why), and the facts of the step —
 * the assessment (strategy, readiness, sizing, optionally a quota request for it) or the plan
 * (wave and cutover window).
 */
export type MoveInput = {
  version: number;
  comment?: string;
  strategy?: MigrationStrategy;
  readiness?: string;
  sizing?: Allocation;
  raiseQuotaRequest?: boolean;
  wave?: string;
  cutoverStart?: string;
  cutoverEnd?: string;
};

/** Moves the department must be told the reason for. */
export const reasonedMoves: readonly MigrationState[] = ['returned', 'rejected'];

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with its offset, as UTC; null when it is not one. */
export function isoInstant(text: string | undefined): string | null {
  if (!text || !isoTime.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Every field the move to `to` lacks or gets wrong, named; empty when the move's facts are complete. */
export function moveProblems(to: MigrationState, input: MoveInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (reasonedMoves.includes(to) && !input.comment?.trim()) problems.push({ field: 'comment', rule: 'required' });
  if (to === 'assessed') {
    if (!input.strategy) problems.push({ field: 'strategy', rule: 'required' });
    else if (!migrationStrategies.includes(input.strategy))
      problems.push({ field: 'strategy', rule: 'invalid_value', params: { values: migrationStrategies.join(', ') } });
    if (!input.readiness?.trim()) problems.push({ field: 'readiness', rule: 'required' });
    if (input.raiseQuotaRequest && !input.sizing) problems.push({ field: 'sizing', rule: 'required' });
  }
  if (to === 'planned') {
    if (!input.wave) problems.push({ field: 'wave', rule: 'required' });
    const start = isoInstant(input.cutoverStart);
    const end = isoInstant(input.cutoverEnd);
    if (!input.cutoverStart) problems.push({ field: 'cutoverStart', rule: 'required' });
    else if (!start) problems.push({ field: 'cutoverStart', rule: 'iso_instant' });
    if (!input.cutoverEnd) problems.push({ field: 'cutoverEnd', rule: 'required' });
    else if (!end) problems.push({ field: 'cutoverEnd', rule: 'iso_instant' });
    if (start && end && start >= end) problems.push({ field: 'cutoverEnd', rule: 'cutover_window_order' });
  }
  return problems;
}

/** The columns a move writes besides state, version and time. */
export function moveChanges(
  from: MigrationState,
  to: MigrationState,
  input: MoveInput,
): Partial<
  Pick<
    MigrationRequestsTable,
    'held_from' | 'strategy' | 'readiness' | 'sizing' | 'wave_code' | 'cutover_start' | 'cutover_end'
  >
> {
  const changes: ReturnType<typeof moveChanges> = {};
  // On hold remembers where it was; leaving hold (resume or cancel) forgets it.
  if (to === 'on-hold') changes.held_from = from;
  else if (from === 'on-hold') changes.held_from = null;
  if (to === 'assessed') {
    changes.strategy = input.strategy ?? null;
    changes.readiness = input.readiness?.trim() ?? null;
    changes.sizing = input.sizing ? JSON.stringify(input.sizing) : null;
  }
  if (to === 'planned') {
    changes.wave_code = input.wave ?? null;
    changes.cutover_start = isoInstant(input.cutoverStart);
    changes.cutover_end = isoInstant(input.cutoverEnd);
  }
  return changes;
}
