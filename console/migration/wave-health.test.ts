import { describe, expect, it } from 'vitest';
import { type WaveHealth, waveHealth, type WaveMember } from './wave-health.ts';

const now = new Date('2026-12-10T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
const member = (over: Partial<WaveMember>): WaveMember => ({
  state: 'testing',
  cutoverEnd: null,
  updatedAt: daysAgo(1),
  lastRollbackAt: null,
  lastGateRefusalAt: null,
  ...over,
});

/** [case, wave window end, members, expected] */
const cases: [string, string | null, WaveMember[], WaveHealth][] = [
  ['an empty wave is healthy', null, [], 'healthy'],
  ['work under way inside its windows is healthy', daysAgo(-5), [member({ cutoverEnd: daysAgo(-2) })], 'healthy'],
  ['a request on hold is an error', null, [member({ state: 'on-hold' })], 'error'],
  ['a rollback three days ago is an error', null, [member({ lastRollbackAt: daysAgo(3) })], 'error'],
  ['a rollback eight days ago is forgotten', null, [member({ lastRollbackAt: daysAgo(8) })], 'healthy'],
  [
    'a refused gate since the last move is an error',
    null,
    [member({ updatedAt: daysAgo(2), lastGateRefusalAt: daysAgo(1) })],
    'error',
  ],
  [
    'a refused gate followed by a move (the gate was met) is not',
    null,
    [member({ updatedAt: daysAgo(1), lastGateRefusalAt: daysAgo(2) })],
    'healthy',
  ],
  [
    'a refused gate more than 7 days ago is forgotten',
    null,
    [member({ updatedAt: daysAgo(10), lastGateRefusalAt: daysAgo(9) })],
    'healthy',
  ],
  ['the wave window ended before a request cut over: lagging', daysAgo(1), [member({})], 'lagging'],
  ['its own cutover window ended before it cut over: lagging', null, [member({ cutoverEnd: daysAgo(1) })], 'lagging'],
  [
    'windows ended but everything cut over: healthy',
    daysAgo(1),
    [member({ state: 'cut-over', cutoverEnd: daysAgo(2) }), member({ state: 'done' })],
    'healthy',
  ],
  ['error outranks lagging', daysAgo(1), [member({}), member({ state: 'on-hold' })], 'error'],
  [
    'cancelled and rejected requests have left the wave',
    daysAgo(1),
    [member({ state: 'cancelled' }), member({ state: 'rejected', lastRollbackAt: daysAgo(1) })],
    'healthy',
  ],
];

describe('wave health', () => {
  it.each(cases)('%s', (_name, windowEnd, members, expected) => {
    expect(waveHealth(windowEnd, members, now)).toBe(expected);
  });
});
