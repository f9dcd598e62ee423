import { describe, expect, it } from 'vitest';
import { type GateFacts, gateProblems } from './migration-gates.ts';
import type { MigrationState } from './migration-lifecycle.ts';

const remoteProtected = {
  siteCode: 'dr-remote',
  siteRole: 'remote-dr',
  mode: 'asynchronous',
  state: 'protected',
} as const;
const passedRemote = { siteCode: 'dr-remote', result: 'passed' } as const;

function facts(over: Partial<GateFacts>): GateFacts {
  return { mlpsLevel: 2, dependencies: [], protections: [], drills: [], ...over };
}

/** [what is moved to, the facts, the gates expected to refuse it] */
const cases: [string, MigrationState, GateFacts, string[]][] = [
  ['a graded system with nothing upstream cuts over', 'cut-over', facts({}), []],
  ['no MLPS level: no cut-over', 'cut-over', facts({ mlpsLevel: null }), ['mlps_level_missing']],
  ['no MLPS level: no start of cut-over either', 'cutting-over', facts({ mlpsLevel: null }), ['mlps_level_missing']],
  ['no MLPS level does not stop testing', 'testing', facts({ mlpsLevel: null }), []],
  [
    'a dependency still in testing holds the cut-over',
    'cut-over',
    facts({ dependencies: [{ code: 'DEP', state: 'testing', onCloud: false }] }),
    ['dependency_not_cut_over:DEP'],
  ],
  [
    'a dependency with no request that is not on the cloud holds it',
    'cutting-over',
    facts({ dependencies: [{ code: 'DEP', state: null, onCloud: false }] }),
    ['dependency_not_cut_over:DEP'],
  ],
  [
    'dependencies cut over, accepted, or hosted on the cloud already are fine',
    'cut-over',
    facts({
      dependencies: [
        { code: 'A', state: 'cut-over', onCloud: false },
        { code: 'B', state: 'done', onCloud: false },
        { code: 'C', state: null, onCloud: true },
      ],
    }),
    [],
  ],
  [
    'every unmet gate is named at once',
    'cut-over',
    facts({
      mlpsLevel: null,
      dependencies: [
        { code: 'A', state: 'planned', onCloud: false },
        { code: 'B', state: 'cancelled', onCloud: false },
      ],
    }),
    ['mlps_level_missing', 'dependency_not_cut_over:A', 'dependency_not_cut_over:B'],
  ],
  ['level 2 is accepted without off-site protection', 'accepted', facts({ mlpsLevel: 2 }), []],
  [
    'level 3 without any protection or drill',
    'accepted',
    facts({ mlpsLevel: 3 }),
    ['remote_protection_missing', 'passed_drill_missing'],
  ],
  [
    'level 3 protected off-site in real time with a passed drill there',
    'accepted',
    facts({ mlpsLevel: 3, protections: [remoteProtected], drills: [passedRemote] }),
    [],
  ],
  [
    'level 4 protected by backups only is not real-time',
    'accepted',
    facts({ mlpsLevel: 4, protections: [{ ...remoteProtected, mode: 'backup-based' }], drills: [passedRemote] }),
    ['remote_protection_missing', 'passed_drill_missing'],
  ],
  [
    'a same-city protection is not off-site',
    'accepted',
    facts({
      mlpsLevel: 3,
      protections: [{ siteCode: 'dr-hefei', siteRole: 'same-city-dr', mode: 'synchronous', state: 'protected' }],
      drills: [{ siteCode: 'dr-hefei', result: 'passed' }],
    }),
    ['remote_protection_missing', 'passed_drill_missing'],
  ],
  [
    'a remote protection still syncing does not count',
    'accepted',
    facts({ mlpsLevel: 3, protections: [{ ...remoteProtected, state: 'initial-sync' }], drills: [passedRemote] }),
    ['remote_protection_missing', 'passed_drill_missing'],
  ],
  [
    'protected, but the drill only partly passed',
    'accepted',
    facts({ mlpsLevel: 3, protections: [remoteProtected], drills: [{ siteCode: 'dr-remote', result: 'partial' }] }),
    ['passed_drill_missing'],
  ],
  [
    'protected, drill planned but not run',
    'accepted',
    facts({ mlpsLevel: 5, protections: [remoteProtected], drills: [{ siteCode: 'dr-remote', result: null }] }),
    ['passed_drill_missing'],
  ],
  [
    'an unknown level is not held to level 3 at acceptance (the cut-over gate already asked for it)',
    'accepted',
    facts({ mlpsLevel: null }),
    [],
  ],
  ['the acceptance gates do not apply to the cut-over', 'cut-over', facts({ mlpsLevel: 3 }), []],
];

describe('migration gates', () => {
  it.each(cases)('%s', (_name, to, given, want) => {
    const got = gateProblems(to, given).map((p) =>
      p.gate === 'dependency_not_cut_over' ? `${p.gate}:${p.system}` : p.gate,
    );
    expect(got).toEqual(want);
  });
});
