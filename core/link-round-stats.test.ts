import { describe, expect, it } from 'vitest';
import { type RoundStats, packetSpacingMs, roundStats } from './link-round-stats.ts';

describe('roundStats', () => {
  const cases: { name: string; rtts: (number | null)[]; want: RoundStats }[] = [
    {
      name: 'every packet back',
      rtts: [1, 2, 3, 4],
      // mean(x²) = 7.5, mean(x)² = 6.25: mdev = sqrt(1.25)
      want: {
        sent: 4,
        received: 4,
        lossRatio: 0,
        rttMs: { min: 1, avg: 2.5, max: 4, mdev: 1.118 },
        jitterMs: 1,
      },
    },
    {
      name: 'lost packets are skipped for RTT and jitter, counted for loss',
      rtts: [10, null, 14, null],
      want: {
        sent: 4,
        received: 2,
        lossRatio: 0.5,
        rttMs: { min: 10, avg: 12, max: 14, mdev: 2 },
        jitterMs: 4,
      },
    },
    {
      name: 'all lost',
      rtts: [null, null, null],
      want: { sent: 3, received: 0, lossRatio: 1, rttMs: null, jitterMs: null },
    },
    {
      name: 'one reply has no jitter',
      rtts: [0.05, null],
      want: {
        sent: 2,
        received: 1,
        lossRatio: 0.5,
        rttMs: { min: 0.05, avg: 0.05, max: 0.05, mdev: 0 },
        jitterMs: null,
      },
    },
    {
      name: 'equal RTTs give mdev 0, not NaN from float cancellation',
      rtts: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
      want: {
        sent: 7,
        received: 7,
        lossRatio: 0,
        rttMs: { min: 0.1, avg: 0.1, max: 0.1, mdev: 0 },
        jitterMs: 0,
      },
    },
    {
      name: 'loss ratio rounded to 4 decimals',
      rtts: [1, null, null],
      want: {
        sent: 3,
        received: 1,
        lossRatio: 0.6667,
        rttMs: { min: 1, avg: 1, max: 1, mdev: 0 },
        jitterMs: null,
      },
    },
    {
      name: 'fping sample: milliseconds rounded to 3 decimals',
      rtts: [0.199, 0.021, 0.023, null, 0.025],
      // avg 0.067; mean(x²) = 0.041196/4 = 0.010299 → mdev = sqrt(0.010299 − 0.004489) = 0.0762
      // jitter = (0.178 + 0.002 + 0.002) / 3 = 0.0607
      want: {
        sent: 5,
        received: 4,
        lossRatio: 0.2,
        rttMs: { min: 0.021, avg: 0.067, max: 0.199, mdev: 0.076 },
        jitterMs: 0.061,
      },
    },
    {
      name: 'jitter follows the order sent, not sorted order',
      rtts: [5, 1, 5, 1],
      want: {
        sent: 4,
        received: 4,
        lossRatio: 0,
        rttMs: { min: 1, avg: 3, max: 5, mdev: 2 },
        jitterMs: 4,
      },
    },
  ];

  for (const { name, rtts, want } of cases) {
    it(name, () => {
      expect(roundStats(rtts)).toEqual(want);
    });
  }

  it.each([
    ['an empty round', []],
    ['a negative RTT', [1, -0.5]],
    ['a NaN RTT', [Number.NaN]],
    ['an infinite RTT', [Number.POSITIVE_INFINITY]],
  ])('rejects %s', (_name, rtts: (number | null)[]) => {
    expect(() => roundStats(rtts)).toThrow(RangeError);
  });
});

describe('packetSpacingMs', () => {
  it.each([
    // [intervalSeconds, packets, spacing]
    [30, 10, 1000], // default target: ping's own 1 s
    [5, 100, 25], // 100 packets squeezed into half of 5 s
    [5, 1000, 20], // never faster than 20 ms
    [3600, 1, 1000], // never slower than 1 s
    [10, 7, 714], // floor, not round
  ])('interval %i s, %i packets → %i ms', (intervalSeconds, packets, spacing) => {
    expect(packetSpacingMs(intervalSeconds, packets)).toBe(spacing);
  });
});
