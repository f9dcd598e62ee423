import { Conflict } from './errors.ts';

/**
 * The life of a request to move one department system onto the government cloud, from the
 * department's draft to the old machine room switched off. One table of legal moves, read by the
 * service (which refuses anything else with 409), the pages (which offer only these actions) and
 * the tests (table-tested, every pair).
 *
 * Two roles move a request: the department that owns the system drafts, submits, resubmits and
 * withdraws it; an operator reviews, assesses, plans and walks it through the migration. On hold
 * remembers where it came from and returns there; rollback goes back to ready-for-test, from
 * testing or from a cut-over gone wrong.
 */

/** States of the migration proper, in order: a wave's progress and the board's columns. */
const delivery = [
  'planned',
  'replicating',
  'ready-for-test',
  'testing',
  'ready-for-cutover',
  'cutting-over',
  'cut-over',
  'accepted',
  'source-decommissioned',
  'done',
] as const;

export const migrationStates = [
  'draft',
  'submitted',
  'returned',
  'rejected',
  'approved',
  'assessed',
  ...delivery,
  'on-hold',
  'cancelled',
] as const;
export type MigrationState = (typeof migrationStates)[number];

/** Who may make a move: the owning department (or an operator on its behalf), or an operator only. */
export type Mover = 'department' | 'operator';

export const migrationStrategies = [
  'rehost',
  'replatform',
  'refactor',
  'repurchase',
  'retire',
  'retain',
  'relocate',
] as const;
export type MigrationStrategy = (typeof migrationStrategies)[number];

/** Where a request ends: nothing moves it any more. */
export const finalStates: readonly MigrationState[] = ['rejected', 'done', 'cancelled'];

export const deliveryStates: readonly MigrationState[] = delivery;

/** States a system counts as running on the cloud in: its dependants may cut over. */
export const cutOverStates: readonly MigrationState[] = ['cut-over', 'accepted', 'source-decommissioned', 'done'];

/** States that may be put on hold (and resumed to); the department's own stages are not. */
const holdable: readonly MigrationState[] = [
  'approved',
  'assessed',
  'planned',
  'replicating',
  'ready-for-test',
  'testing',
  'ready-for-cutover',
];

type Move = { to: MigrationState; by: Mover };

/** Forward moves from each state (hold, resume and cancel are added below). */
const forward: Record<MigrationState, Move[]> = {
  draft: [{ to: 'submitted', by: 'department' }],
  submitted: [
    { to: 'returned', by: 'operator' },
    { to: 'rejected', by: 'operator' },
    { to: 'approved', by: 'operator' },
  ],
  returned: [{ to: 'submitted', by: 'department' }],
  rejected: [],
  approved: [{ to: 'assessed', by: 'operator' }],
  assessed: [{ to: 'planned', by: 'operator' }],
  planned: [{ to: 'replicating', by: 'operator' }],
  replicating: [{ to: 'ready-for-test', by: 'operator' }],
  'ready-for-test': [{ to: 'testing', by: 'operator' }],
  testing: [
    { to: 'ready-for-cutover', by: 'operator' },
    { to: 'ready-for-test', by: 'operator' }, // rollback: the tests failed
  ],
  'ready-for-cutover': [{ to: 'cutting-over', by: 'operator' }],
  'cutting-over': [
    { to: 'cut-over', by: 'operator' },
    { to: 'ready-for-test', by: 'operator' }, // rollback: the cut-over failed, traffic back on the source
  ],
  'cut-over': [{ to: 'accepted', by: 'operator' }],
  accepted: [{ to: 'source-decommissioned', by: 'operator' }],
  'source-decommissioned': [{ to: 'done', by: 'operator' }],
  done: [],
  'on-hold': [],
  cancelled: [],
};

/**
 * Cancellable until the cut-over starts: before approval the department withdraws its own
 * request; after it, only an operator cancels. Once traffic moves, a failed cut-over rolls back
 * instead, and a system on the cloud is decommissioned through its own request, not cancelled.
 */
const withdrawable: readonly MigrationState[] = ['draft', 'submitted', 'returned'];
const cancellable: readonly MigrationState[] = [...withdrawable, ...holdable];

function cancelMove(state: MigrationState): Move[] {
  if (!cancellable.includes(state)) return [];
  return [{ to: 'cancelled', by: withdrawable.includes(state) ? 'department' : 'operator' }];
}

/**
 * The moves open from a state. `heldFrom` is the state a request on hold came from: resuming
 * returns there.
 */
export function movesFrom(state: MigrationState, heldFrom: MigrationState | null = null): Move[] {
  if (state === 'on-hold') {
    return [...(heldFrom ? [{ to: heldFrom, by: 'operator' as const }] : []), { to: 'cancelled', by: 'operator' }];
  }
  return [
    ...forward[state],
    ...(holdable.includes(state) ? [{ to: 'on-hold' as const, by: 'operator' as const }] : []),
    ...cancelMove(state),
  ];
}

/** The next states a mover may choose from here. */
export function allowedNext(state: MigrationState, heldFrom: MigrationState | null, mover: Mover): MigrationState[] {
  // An operator may also make the department's moves (on its behalf, e.g. by phone), never the reverse.
  return movesFrom(state, heldFrom)
    .filter((m) => mover === 'operator' || m.by === 'department')
    .map((m) => m.to);
}

/**
 * Refuses a move that is not in the table for this mover: 409 naming the current state and the
 * moves allowed from it (the caller's own, so a department is not told about operator moves it
 * cannot make, though these are listed separately for the page).
 */
export function requireMove(
  state: MigrationState,
  heldFrom: MigrationState | null,
  to: MigrationState,
  mover: Mover,
): void {
  const allowed = allowedNext(state, heldFrom, mover);
  if (!allowed.includes(to)) {
    throw new Conflict('illegal_transition', { state, to, allowed: allowed.join(', ') || '—' }).with({
      state,
      to,
      allowed,
    });
  }
}

export function isMigrationState(value: string): value is MigrationState {
  return (migrationStates as readonly string[]).includes(value);
}
