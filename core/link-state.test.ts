import { describe, expect, it } from 'vitest';
import {
  type LinkChangeReason,
  type LinkState,
  type LinkTracking,
  type RoundFacts,
  defaultLinkClassThresholds,
  initialLinkTracking,
  linkClassOverridesSchema,
  linkClassThresholdsSchema,
  linkStateAfterRound,
  linkStateAfterSilence,
  thresholdsForClass,
} from './link-state.ts';

const department = defaultLinkClassThresholds.department; // loss 0.05, RTT 200 ms, 3 / 2 / 3
const t0 = Date.parse('2025-03-01T02:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

type Kind = 'ok' | 'lossy' | 'slow' | 'fail' | 'edge';

/** Ten packets per round: `lossy` loses one (10 %), `edge` sits exactly on the department limits. */
function round(kind: Kind, atMs: number): RoundFacts {
  const received = { ok: 10, lossy: 9, slow: 10, fail: 0, edge: 10 }[kind];
  const avg = { ok: 12, lossy: 12, slow: 250, fail: 0, edge: 200 }[kind];
  return {
    startedAt: iso(atMs),
    sent: 10,
    received,
    lossRatio: kind === 'edge' ? 0.05 : (10 - received) / 10,
    rttMs: received === 0 ? null : { min: avg, avg, max: avg, mdev: 0 },
  };
}

function tracking(state: LinkState, lastRoundAt: number | null = null): LinkTracking {
  const failedStreak = state === 'down' ? 3 : 0;
  return {
    state,
    failedStreak,
    goodStreak: 0,
    since: iso(t0 - 3_600_000),
    lastRoundAt: lastRoundAt === null ? null : iso(lastRoundAt),
  };
}

/** Feeds rounds 30 s apart and returns the state and reason code after each one. */
function play(start: LinkTracking, kinds: Kind[], thresholds = department) {
  let current = start;
  return kinds.map((kind, i) => {
    const step = linkStateAfterRound(current, round(kind, t0 + i * 30_000), thresholds);
    current = step.tracking;
    return { state: current.state, code: step.change?.reasonCode ?? null, tracking: current };
  });
}

describe('linkStateAfterRound: sequences of rounds', () => {
  const cases: {
    name: string;
    start: LinkState;
    rounds: Kind[];
    states: LinkState[];
    codes: (LinkChangeReason | null)[];
  }[] = [
    { name: 'first good round from no data', start: 'unknown', rounds: ['ok'], states: ['up'], codes: ['first_round'] },
    {
      name: 'first failed round is degraded, not down',
      start: 'unknown',
      rounds: ['fail'],
      states: ['degraded'],
      codes: ['first_round'],
    },
    { name: 'first lossy round', start: 'unknown', rounds: ['lossy'], states: ['degraded'], codes: ['first_round'] },
    {
      name: 'three failed rounds take an up link down',
      start: 'up',
      rounds: ['fail', 'fail', 'fail', 'fail'],
      states: ['degraded', 'degraded', 'down', 'down'],
      codes: ['loss_above_threshold', null, 'failed_rounds', null],
    },
    {
      name: 'two failed rounds then a reply never go down',
      start: 'up',
      rounds: ['fail', 'fail', 'ok', 'fail', 'fail'],
      states: ['degraded', 'degraded', 'up', 'degraded', 'degraded'],
      codes: ['loss_above_threshold', null, 'recovered', 'loss_above_threshold', null],
    },
    {
      name: 'a down link needs two good rounds',
      start: 'down',
      rounds: ['ok', 'ok', 'ok'],
      states: ['down', 'up', 'up'],
      codes: [null, 'recovered', null],
    },
    {
      name: 'a failed round resets the good streak of a down link',
      start: 'down',
      rounds: ['ok', 'fail', 'ok', 'ok'],
      states: ['down', 'down', 'down', 'up'],
      codes: [null, null, null, 'recovered'],
    },
    {
      name: 'leaving down onto a lossy round reads degraded',
      start: 'down',
      rounds: ['ok', 'lossy'],
      states: ['down', 'degraded'],
      codes: [null, 'recovered'],
    },
    {
      name: 'slow replies degrade',
      start: 'up',
      rounds: ['slow', 'ok'],
      states: ['degraded', 'up'],
      codes: ['rtt_above_threshold', 'recovered'],
    },
    { name: 'loss degrades', start: 'up', rounds: ['lossy'], states: ['degraded'], codes: ['loss_above_threshold'] },
    { name: 'exactly on both limits is up', start: 'degraded', rounds: ['edge'], states: ['up'], codes: ['recovered'] },
    {
      name: 'silence then failed rounds: the streak starts again',
      start: 'unknown',
      rounds: ['fail', 'fail', 'fail'],
      states: ['degraded', 'degraded', 'down'],
      codes: ['first_round', null, 'failed_rounds'],
    },
  ];

  it.each(cases)('$name', ({ start, rounds, states, codes }) => {
    const steps = play(tracking(start), rounds);
    expect(steps.map((s) => s.state)).toEqual(states);
    expect(steps.map((s) => s.code)).toEqual(codes);
  });

  it('one failed round is enough when the class says so', () => {
    const strict = { ...department, downAfterFailedRounds: 1, upAfterGoodRounds: 1 };
    expect(play(tracking('up'), ['fail', 'ok'], strict).map((s) => s.state)).toEqual(['down', 'up']);
    expect(play(tracking('unknown'), ['fail'], strict).map((s) => s.code)).toEqual(['first_round']);
  });

  it('the backbone degrades on loss a department link tolerates', () => {
    const threePercent: RoundFacts = { ...round('ok', t0), received: 97, sent: 100, lossRatio: 0.03 };
    expect(linkStateAfterRound(tracking('up'), threePercent, department).tracking.state).toBe('up');
    const backbone = linkStateAfterRound(tracking('up'), threePercent, defaultLinkClassThresholds.backbone);
    expect(backbone.tracking.state).toBe('degraded');
    expect(backbone.change?.reason).toBe('loss 3 % above 1 %');
  });
});

describe('linkStateAfterRound: what is recorded', () => {
  it('dates the change at the round, and counts streaks', () => {
    const { tracking: after, change } = linkStateAfterRound(tracking('up'), round('fail', t0), department);
    expect(change).toEqual({
      from: 'up',
      to: 'degraded',
      at: iso(t0),
      reason: 'no reply to 10 packets (1 of 3 failed rounds before down)',
      reasonCode: 'loss_above_threshold',
    });
    expect(after).toEqual({ state: 'degraded', failedStreak: 1, goodStreak: 0, since: iso(t0), lastRoundAt: iso(t0) });
  });

  it('keeps `since` but moves `lastRoundAt` when the state holds', () => {
    const start = tracking('up');
    const { tracking: after, change } = linkStateAfterRound(start, round('ok', t0), department);
    expect(change).toBeNull();
    expect(after).toEqual({ ...start, goodStreak: 1, lastRoundAt: iso(t0) });
  });

  it('says "first round after silence" when the link reported before', () => {
    const { change } = linkStateAfterRound(tracking('unknown', t0 - 600_000), round('ok', t0), department);
    expect(change?.reason).toBe('first round after silence: loss and round trip within thresholds');
    expect(change?.reasonCode).toBe('first_round');
  });

  it('normalises the timestamps it stores', () => {
    const r = { ...round('fail', t0), startedAt: '2025-03-01T02:00:00Z' };
    expect(linkStateAfterRound(tracking('up'), r, department).tracking.lastRoundAt).toBe('2025-03-01T02:00:00.000Z');
  });

  it('refuses a round whose start is not a timestamp', () => {
    expect(() =>
      linkStateAfterRound(tracking('up'), { ...round('ok', t0), startedAt: 'yesterday' }, department),
    ).toThrow(RangeError);
  });
});

describe('linkStateAfterRound: late and replayed rounds', () => {
  const cases: { name: string; lastRoundAt: string; startedAt: string }[] = [
    {
      name: 'an older round from a spool',
      lastRoundAt: '2025-03-01T02:01:00.000Z',
      startedAt: '2025-03-01T02:00:00.000Z',
    },
    { name: 'the same round twice', lastRoundAt: '2025-03-01T02:00:00.000Z', startedAt: '2025-03-01T02:00:00.000Z' },
    // As strings "…00Z" sorts after "…00.5Z"; times must be compared as instants.
    {
      name: 'an older round written with fewer digits',
      lastRoundAt: '2025-03-01T02:00:00.5Z',
      startedAt: '2025-03-01T02:00:00Z',
    },
  ];
  it.each(cases)('$name leaves the state alone', ({ lastRoundAt, startedAt }) => {
    const down: LinkTracking = { ...tracking('down'), lastRoundAt };
    const step = linkStateAfterRound(down, { ...round('ok', t0), startedAt }, { ...department, upAfterGoodRounds: 1 });
    expect(step.change).toBeNull();
    expect(step.tracking).toBe(down);
  });

  it('a replayed round older than the silence is dated at the silence, keeping changes in order', () => {
    const silentSince = t0 + 90_000;
    const silent: LinkTracking = { ...tracking('unknown', t0), since: iso(silentSince) };
    const { change, tracking: after } = linkStateAfterRound(silent, round('fail', t0 + 30_000), department);
    expect(change?.at).toBe(iso(silentSince));
    expect(after.lastRoundAt).toBe(iso(t0 + 30_000));
  });
});

describe('linkStateAfterSilence', () => {
  const last = t0;
  const cases: { name: string; start: LinkTracking; nowMs: number; to: LinkState | null; at?: number }[] = [
    { name: 'one millisecond short of three intervals', start: tracking('up', last), nowMs: last + 89_999, to: null },
    {
      name: 'exactly three intervals',
      start: tracking('up', last),
      nowMs: last + 90_000,
      to: 'unknown',
      at: last + 90_000,
    },
    {
      name: 'a sweep an hour late still dates it at the limit',
      start: tracking('down', last),
      nowMs: last + 3_600_000,
      to: 'unknown',
      at: last + 90_000,
    },
    {
      name: 'never reported: counted from since',
      start: { ...tracking('up'), since: iso(last) },
      nowMs: last + 90_000,
      to: 'unknown',
      at: last + 90_000,
    },
    { name: 'already unknown', start: tracking('unknown', last - 3_600_000), nowMs: last, to: null },
  ];

  it.each(cases)('$name', ({ start, nowMs, to, at }) => {
    const step = linkStateAfterSilence(start, new Date(nowMs), 30, department);
    expect(step.change?.to ?? null).toBe(to);
    if (to === null) {
      expect(step.tracking).toBe(start);
      return;
    }
    expect(step.change).toMatchObject({ from: start.state, at: iso(at!), reasonCode: 'silent' });
    expect(step.tracking).toEqual({
      state: 'unknown',
      failedStreak: 0,
      goodStreak: 0,
      since: iso(at!),
      lastRoundAt: start.lastRoundAt,
    });
  });

  it('explains the silence in the reason', () => {
    const { change } = linkStateAfterSilence(tracking('up', last), new Date(last + 120_000), 30, department);
    expect(change?.reason).toBe('no round for 120 s (limit 3 × 30 s)');
  });

  it('a new link starts unknown and the sweep leaves it so', () => {
    const fresh = initialLinkTracking(new Date(t0));
    expect(fresh).toEqual({ state: 'unknown', failedStreak: 0, goodStreak: 0, since: iso(t0), lastRoundAt: null });
    expect(linkStateAfterSilence(fresh, new Date(t0 + 86_400_000), 30, department).change).toBeNull();
  });
});

describe('thresholds per link class', () => {
  it('the backbone is stricter than a department line', () => {
    const { backbone } = defaultLinkClassThresholds;
    expect(backbone.maxLossRatio).toBeLessThan(department.maxLossRatio);
    expect(backbone.maxRttMs).toBeLessThan(department.maxRttMs);
    expect(department).toMatchObject({ downAfterFailedRounds: 3, upAfterGoodRounds: 2, unknownAfterIntervals: 3 });
  });

  it('overrides apply to their class only', () => {
    const overrides = linkClassOverridesSchema.parse({ county: { maxRttMs: 400 } });
    expect(thresholdsForClass('county', overrides)).toEqual({ ...defaultLinkClassThresholds.county, maxRttMs: 400 });
    expect(thresholdsForClass('city', overrides)).toEqual(defaultLinkClassThresholds.city);
  });

  const invalid: [string, unknown][] = [
    ['loss above 1', { ...department, maxLossRatio: 1.5 }],
    ['zero failed rounds', { ...department, downAfterFailedRounds: 0 }],
    ['fractional rounds', { ...department, upAfterGoodRounds: 1.5 }],
    ['missing field', { maxLossRatio: 0.1 }],
  ];
  it.each(invalid)('rejects %s', (_name, input) => {
    expect(linkClassThresholdsSchema.safeParse(input).success).toBe(false);
  });

  it('rejects an override for a class that does not exist', () => {
    expect(linkClassOverridesSchema.safeParse({ national: { maxRttMs: 10 } }).success).toBe(false);
  });
});
