import { describe, expect, it } from 'vitest';
import { Conflict } from './errors.ts';
import {
  allowedNext,
  isMigrationState,
  type MigrationState,
  migrationStates,
  type Mover,
  requireMove,
} from './migration-lifecycle.ts';

/**
 * The legal moves, written out by hand from the issue (not read from the code): for each state,
 * what the owning department may choose, and what an operator may choose (the department's moves
 * too, on its behalf). Every (state, to, mover) triple not listed here must be refused.
 */
const expected: Record<Exclude<MigrationState, 'on-hold'>, Record<Mover, MigrationState[]>> = {
  draft: { department: ['submitted', 'cancelled'], operator: ['submitted', 'cancelled'] },
  submitted: { department: ['cancelled'], operator: ['returned', 'rejected', 'approved', 'cancelled'] },
  returned: { department: ['submitted', 'cancelled'], operator: ['submitted', 'cancelled'] },
  rejected: { department: [], operator: [] },
  approved: { department: [], operator: ['assessed', 'on-hold', 'cancelled'] },
  assessed: { department: [], operator: ['planned', 'on-hold', 'cancelled'] },
  planned: { department: [], operator: ['replicating', 'on-hold', 'cancelled'] },
  replicating: { department: [], operator: ['ready-for-test', 'on-hold', 'cancelled'] },
  'ready-for-test': { department: [], operator: ['testing', 'on-hold', 'cancelled'] },
  // Rollback: failed tests go back to ready-for-test.
  testing: { department: [], operator: ['ready-for-cutover', 'ready-for-test', 'on-hold', 'cancelled'] },
  'ready-for-cutover': { department: [], operator: ['cutting-over', 'on-hold', 'cancelled'] },
  // Once traffic moves: no hold, no cancel; a failed cut-over rolls back to ready-for-test.
  'cutting-over': { department: [], operator: ['cut-over', 'ready-for-test'] },
  'cut-over': { department: [], operator: ['accepted'] },
  accepted: { department: [], operator: ['source-decommissioned'] },
  'source-decommissioned': { department: [], operator: ['done'] },
  done: { department: [], operator: [] },
  cancelled: { department: [], operator: [] },
};

/** The states a request may be held from (and so resumed to). */
const holdable: MigrationState[] = [
  'approved',
  'assessed',
  'planned',
  'replicating',
  'ready-for-test',
  'testing',
  'ready-for-cutover',
];

const movers: Mover[] = ['department', 'operator'];

function refusal(state: MigrationState, heldFrom: MigrationState | null, to: MigrationState, mover: Mover) {
  try {
    requireMove(state, heldFrom, to, mover);
    return null;
  } catch (e) {
    return e;
  }
}

describe('migration lifecycle', () => {
  it('lists every state once, and the table covers each', () => {
    expect(new Set(migrationStates).size).toBe(18);
    expect([...Object.keys(expected), 'on-hold'].sort()).toEqual([...migrationStates].sort());
    expect(isMigrationState('testing')).toBe(true);
    expect(isMigrationState('lost')).toBe(false);
  });

  for (const state of migrationStates.filter((s) => s !== 'on-hold') as (keyof typeof expected)[]) {
    for (const mover of movers) {
      it(`from ${state}, the ${mover} may move to exactly: ${expected[state][mover].join(', ') || 'nothing'}`, () => {
        expect([...allowedNext(state, null, mover)].sort()).toEqual([...expected[state][mover]].sort());
        for (const to of migrationStates) {
          const e = refusal(state, null, to, mover);
          if (expected[state][mover].includes(to)) expect(e).toBeNull();
          else {
            expect(e).toBeInstanceOf(Conflict);
            const c = e as Conflict;
            expect(c.code).toBe('illegal_transition');
            expect(c.params).toEqual({ state, to, allowed: expected[state][mover].join(', ') || '—' });
            expect(c.details).toEqual({ state, to, allowed: expected[state][mover] });
          }
        }
      });
    }
  }

  for (const heldFrom of holdable) {
    it(`on hold from ${heldFrom}: an operator resumes to ${heldFrom} or cancels; the department does nothing`, () => {
      const operator: MigrationState[] = [heldFrom, 'cancelled'];
      for (const to of migrationStates) {
        expect(refusal('on-hold', heldFrom, to, 'operator') === null).toBe(operator.includes(to));
        expect(refusal('on-hold', heldFrom, to, 'department')).toBeInstanceOf(Conflict);
      }
      expect(allowedNext('on-hold', heldFrom, 'department')).toEqual([]);
    });
  }

  it('on hold with no state remembered can only be cancelled', () => {
    expect(allowedNext('on-hold', null, 'operator')).toEqual(['cancelled']);
  });

  it('says in the 409 where the request is and where the caller may take it', () => {
    const e = refusal('submitted', null, 'planned', 'department') as Conflict;
    expect(e.params).toEqual({ state: 'submitted', to: 'planned', allowed: 'cancelled' });
    const none = refusal('done', null, 'draft', 'operator') as Conflict;
    expect(none.params.allowed).toBe('—');
    expect(none.details).toEqual({ state: 'done', to: 'draft', allowed: [] });
  });
});
