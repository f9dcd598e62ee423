import { describe, expect, it } from 'vitest';
import type { ReplicationMode } from './dr.ts';
import { achievedLevel, type DrLevel, defaultDrLevels, worseRpo } from './dr-levels.ts';

const minute = 60;
const hour = 3600;
const day = 24 * hour;

describe('the default GB/T 20988 table', () => {
  it('carries levels 1–6 with the texts DOMAIN.md gives', () => {
    expect(defaultDrLevels.map((l) => [l.level, l.rtoText, l.rpoText])).toEqual([
      [1, '≥ 2 days', '1–7 days'],
      [2, '≥ 24 h', '1–7 days'],
      [3, '≥ 12 h', 'hours – 1 day'],
      [4, 'hours – 2 days', 'hours – 1 day'],
      [5, 'minutes – 2 days', '0 – 30 min'],
      [6, 'minutes', '0'],
    ]);
  });

  it('never lets a higher level ask less than the one below it', () => {
    for (let i = 1; i < defaultDrLevels.length; i++) {
      const [lower, higher] = [defaultDrLevels[i - 1]!, defaultDrLevels[i]!];
      expect(higher.rtoMaxSeconds).toBeLessThanOrEqual(lower.rtoMaxSeconds);
      expect(higher.rpoMaxSeconds).toBeLessThanOrEqual(lower.rpoMaxSeconds);
      expect(higher.needsRealTime || !lower.needsRealTime).toBe(true);
    }
  });
});

describe('achievedLevel', () => {
  const cases: [string, ReplicationMode, number | null, number | null, number | null][] = [
    ['no passed drill: unknown', 'asynchronous', null, 60, null],
    ['no RPO known: unknown', 'asynchronous', hour, null, null],
    ['same-city synchronous, 20 min, no loss', 'synchronous', 20 * minute, 0, 6],
    ['remote asynchronous, 90 min, 5 min lag', 'asynchronous', 90 * minute, 5 * minute, 5],
    ['asynchronous with lag above 30 min', 'asynchronous', 90 * minute, 45 * minute, 4],
    ['backup-based cannot reach real-time levels', 'backup-based', 10 * minute, 0, 4],
    ['backup restore in 18 h, nightly backup', 'backup-based', 18 * hour, day, 3],
    ['restore in 36 h', 'backup-based', 36 * hour, 3 * day, 2],
    ['restore in 5 days', 'backup-based', 5 * day, 3 * day, 1],
    ['on the edge of level 5', 'asynchronous', 2 * hour, 30 * minute, 5],
    ['restore in 10 days: known, no level', 'backup-based', 10 * day, day, 0],
  ];
  it.each(cases)('%s', (_name, mode, rto, rpo, expected) => {
    expect(achievedLevel(defaultDrLevels, { mode, measuredRtoSeconds: rto, rpoSeconds: rpo })).toBe(expected);
  });

  it('follows an operator’s correction of the table', () => {
    const evidence = { mode: 'asynchronous' as const, measuredRtoSeconds: 3 * hour, rpoSeconds: 10 * minute };
    expect(achievedLevel(defaultDrLevels, evidence)).toBe(4);
    const corrected: DrLevel[] = defaultDrLevels.map((l) => (l.level === 5 ? { ...l, rtoMaxSeconds: 4 * hour } : l));
    expect(achievedLevel(corrected, evidence)).toBe(5);
  });
});

describe('worseRpo', () => {
  it.each([
    [null, null, null],
    [120, null, 120],
    [null, 30, 30],
    [120, 300, 300],
    [600, 30, 600],
  ])('drill %s, lag %s → %s', (drill, lag, expected) => {
    expect(worseRpo(drill, lag)).toBe(expected);
  });
});
