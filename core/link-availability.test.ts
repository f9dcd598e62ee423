import { describe, expect, it } from 'vitest';
import { type LinkStateEvent, availability, dailyAvailability, monthlyAvailability } from './link-availability.ts';
import type { LinkState } from './link-state.ts';

const h = 3600;
/** A Beijing wall-clock time as an instant. */
const bj = (local: string) => new Date(`${local}+08:00`);
const ev = (local: string, to: LinkState): LinkStateEvent => ({ at: bj(local).toISOString(), to });
const seconds = (a: { upSeconds: number; degradedSeconds: number; downSeconds: number; unknownSeconds: number }) => [
  a.upSeconds,
  a.degradedSeconds,
  a.downSeconds,
  a.unknownSeconds,
];

describe('availability over one window', () => {
  const window = { from: bj('2025-03-01T00:00:00'), to: bj('2025-03-01T04:00:00') };
  const cases: {
    name: string;
    events: LinkStateEvent[];
    before: LinkState | null;
    upDegradedDownUnknown: number[];
    ratio: number | null;
  }[] = [
    { name: 'no events, up before', events: [], before: 'up', upDegradedDownUnknown: [4 * h, 0, 0, 0], ratio: 1 },
    { name: 'no events, no history', events: [], before: null, upDegradedDownUnknown: [0, 0, 0, 4 * h], ratio: null },
    {
      name: 'all unknown',
      events: [ev('2025-03-01T01:00:00', 'unknown')],
      before: 'unknown',
      upDegradedDownUnknown: [0, 0, 0, 4 * h],
      ratio: null,
    },
    {
      name: 'an hour down out of four',
      events: [ev('2025-03-01T01:00:00', 'down'), ev('2025-03-01T02:00:00', 'up')],
      before: 'up',
      upDegradedDownUnknown: [3 * h, 0, h, 0],
      ratio: 0.75,
    },
    {
      name: 'degraded time counts as available',
      events: [ev('2025-03-01T01:00:00', 'degraded'), ev('2025-03-01T03:00:00', 'down')],
      before: 'up',
      upDegradedDownUnknown: [h, 2 * h, h, 0],
      ratio: 0.75,
    },
    {
      name: 'unknown time is left out of the ratio',
      events: [ev('2025-03-01T01:00:00', 'unknown'), ev('2025-03-01T03:00:00', 'down')],
      before: 'up',
      upDegradedDownUnknown: [h, 0, h, 2 * h],
      ratio: 0.5,
    },
    {
      name: 'window starting mid-state: earlier events only set the start',
      events: [ev('2025-02-28T22:00:00', 'up'), ev('2025-02-28T23:30:00', 'down'), ev('2025-03-01T00:30:00', 'up')],
      before: null,
      upDegradedDownUnknown: [3.5 * h, 0, 0.5 * h, 0],
      ratio: 0.875,
    },
    {
      name: 'a change at the window start applies from the start',
      events: [ev('2025-03-01T00:00:00', 'down')],
      before: 'up',
      upDegradedDownUnknown: [0, 0, 4 * h, 0],
      ratio: 0,
    },
    {
      name: 'changes at or after the window end are ignored',
      events: [ev('2025-03-01T04:00:00', 'down'), ev('2025-03-02T00:00:00', 'unknown')],
      before: 'up',
      upDegradedDownUnknown: [4 * h, 0, 0, 0],
      ratio: 1,
    },
    {
      name: 'several changes at one instant: the last one holds',
      events: [
        ev('2025-03-01T02:00:00', 'unknown'),
        ev('2025-03-01T02:00:00', 'degraded'),
        ev('2025-03-01T02:00:00', 'down'),
      ],
      before: 'up',
      upDegradedDownUnknown: [2 * h, 0, 2 * h, 0],
      ratio: 0.5,
    },
    {
      name: 'a 90-second outage is counted to the second',
      events: [
        { at: '2025-02-28T17:00:00.000Z', to: 'down' },
        { at: '2025-02-28T17:01:30.000Z', to: 'up' },
      ],
      before: 'up',
      upDegradedDownUnknown: [4 * h - 90, 0, 90, 0],
      ratio: (4 * h - 90) / (4 * h),
    },
  ];

  it.each(cases)('$name', ({ events, before, upDegradedDownUnknown, ratio }) => {
    const result = availability(events, before, window);
    expect(seconds(result)).toEqual(upDegradedDownUnknown);
    expect(result.ratio).toBe(ratio);
  });

  it('gives the same figures for events out of order', () => {
    const sorted = [
      ev('2025-03-01T01:00:00', 'down'),
      ev('2025-03-01T02:00:00', 'up'),
      ev('2025-03-01T03:00:00', 'down'),
    ];
    const shuffled = [sorted[2]!, sorted[0]!, sorted[1]!];
    expect(availability(shuffled, 'up', window)).toEqual(availability(sorted, 'up', window));
  });

  it('an empty window holds no known time', () => {
    const at = bj('2025-03-01T00:00:00');
    expect(availability([], 'up', { from: at, to: at })).toEqual({
      upSeconds: 0,
      degradedSeconds: 0,
      downSeconds: 0,
      unknownSeconds: 0,
      ratio: null,
    });
  });

  it('refuses a window that runs backwards or an event without a time', () => {
    expect(() => availability([], 'up', { from: window.to, to: window.from })).toThrow(RangeError);
    expect(() => availability([{ at: 'soon', to: 'up' }], 'up', window)).toThrow(RangeError);
  });
});

describe('dailyAvailability (Asia/Shanghai)', () => {
  it('a change exactly at midnight opens the next day', () => {
    const days = dailyAvailability([ev('2025-03-02T00:00:00', 'down')], 'up', {
      from: bj('2025-03-01T00:00:00'),
      to: bj('2025-03-03T00:00:00'),
    });
    expect(days.map((d) => [d.period, d.ratio, d.downSeconds])).toEqual([
      ['2025-03-01', 1, 0],
      ['2025-03-02', 0, 24 * h],
    ]);
    expect(days[1]!.from).toEqual(bj('2025-03-02T00:00:00'));
  });

  it('an outage at 20:00 UTC falls on the next Beijing day', () => {
    const events = [
      { at: '2025-03-01T20:00:00.000Z', to: 'down' as const },
      { at: '2025-03-01T21:00:00.000Z', to: 'up' as const },
    ];
    const days = dailyAvailability(events, 'up', { from: bj('2025-03-01T00:00:00'), to: bj('2025-03-03T00:00:00') });
    expect(days.map((d) => [d.period, d.downSeconds])).toEqual([
      ['2025-03-01', 0],
      ['2025-03-02', h],
    ]);
    const utcDays = dailyAvailability(
      events,
      'up',
      { from: bj('2025-03-01T08:00:00'), to: bj('2025-03-03T08:00:00') },
      0,
    );
    expect(utcDays.map((d) => [d.period, d.downSeconds])).toEqual([
      ['2025-03-01', h],
      ['2025-03-02', 0],
    ]);
  });

  it('clips the first and last days to a window starting and ending mid-day', () => {
    const days = dailyAvailability([], 'degraded', { from: bj('2025-03-01T18:00:00'), to: bj('2025-03-03T06:00:00') });
    expect(days.map((d) => [d.period, d.degradedSeconds])).toEqual([
      ['2025-03-01', 6 * h],
      ['2025-03-02', 24 * h],
      ['2025-03-03', 6 * h],
    ]);
  });

  it('no data at all reads as no figure, not as an outage', () => {
    const days = dailyAvailability([], null, { from: bj('2025-03-01T00:00:00'), to: bj('2025-03-04T00:00:00') });
    expect(days.map((d) => [d.period, d.ratio, d.unknownSeconds])).toEqual([
      ['2025-03-01', null, 24 * h],
      ['2025-03-02', null, 24 * h],
      ['2025-03-03', null, 24 * h],
    ]);
  });

  it('days add up to the whole window', () => {
    const window = { from: bj('2025-03-01T05:00:00'), to: bj('2025-03-09T17:00:00') };
    const events = [
      ev('2025-03-02T23:59:59', 'down'),
      ev('2025-03-03T00:00:01', 'degraded'),
      ev('2025-03-06T12:00:00', 'unknown'),
    ];
    const days = dailyAvailability(events, 'up', window);
    const whole = availability(events, 'up', window);
    expect(days).toHaveLength(9);
    for (const key of ['upSeconds', 'degradedSeconds', 'downSeconds', 'unknownSeconds'] as const) {
      expect(days.reduce((sum, d) => sum + d[key], 0)).toBe(whole[key]);
    }
    expect(days[2]).toMatchObject({ period: '2025-03-03', downSeconds: 1 });
  });
});

describe('monthlyAvailability (Asia/Shanghai)', () => {
  const cases: { name: string; from: string; to: string; periods: [string, number][] }[] = [
    {
      name: 'February has 28 days in 2025',
      from: '2025-01-01T00:00:00',
      to: '2025-04-01T00:00:00',
      periods: [
        ['2025-01', 31 * 24 * h],
        ['2025-02', 28 * 24 * h],
        ['2025-03', 31 * 24 * h],
      ],
    },
    {
      name: 'and 29 in 2024',
      from: '2024-02-01T00:00:00',
      to: '2024-03-01T00:00:00',
      periods: [['2024-02', 29 * 24 * h]],
    },
    {
      name: 'across the new year, clipped mid-month',
      from: '2024-12-16T00:00:00',
      to: '2025-01-11T00:00:00',
      periods: [
        ['2024-12', 16 * 24 * h],
        ['2025-01', 10 * 24 * h],
      ],
    },
  ];
  it.each(cases)('$name', ({ from, to, periods }) => {
    const months = monthlyAvailability([], 'up', { from: bj(from), to: bj(to) });
    expect(months.map((m) => [m.period, m.upSeconds])).toEqual(periods);
  });

  it('an outage starting at 23:00 on the 31st in Beijing belongs to that month and the next', () => {
    const events = [ev('2025-01-31T23:00:00', 'down'), ev('2025-02-01T01:00:00', 'up')];
    const months = monthlyAvailability(events, 'up', {
      from: bj('2025-01-01T00:00:00'),
      to: bj('2025-03-01T00:00:00'),
    });
    expect(months.map((m) => [m.period, m.downSeconds])).toEqual([
      ['2025-01', h],
      ['2025-02', h],
    ]);
    expect(months[0]!.ratio).toBeCloseTo(1 - 1 / (31 * 24), 12);
  });
});
