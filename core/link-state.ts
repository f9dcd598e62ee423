import { z } from 'zod';
import type { LinkRound } from './contracts/agent.ts';

/**
 * The state of one extranet link, moved by the rounds an agent reports and by a periodic sweep
 * that notices silence. Hysteresis on both sides (several failed rounds before DOWN, several good
 * ones before leaving it) keeps one lost round from paging anyone and a flapping link from
 * reading as recovered.
 */

export const linkStates = ['up', 'degraded', 'down', 'unknown'] as const;
export type LinkState = (typeof linkStates)[number];

export const linkClasses = ['backbone', 'city', 'county', 'department'] as const;
export type LinkClass = (typeof linkClasses)[number];

export type LinkClassThresholds = {
  /** A good round with more loss than this (0–1) makes the link DEGRADED. */
  maxLossRatio: number;
  /** A good round with a higher average round trip than this makes the link DEGRADED. */
  maxRttMs: number;
  /** Consecutive rounds without any reply that make the link DOWN. */
  downAfterFailedRounds: number;
  /** Consecutive good rounds a DOWN link needs before it counts as back. */
  upAfterGoodRounds: number;
  /** Probe intervals without any round after which the state is UNKNOWN. */
  unknownAfterIntervals: number;
};

export const linkClassThresholdsSchema = z.object({
  maxLossRatio: z.number().min(0).max(1),
  maxRttMs: z.number().positive().max(600_000),
  downAfterFailedRounds: z.number().int().min(1).max(100),
  upAfterGoodRounds: z.number().int().min(1).max(100),
  unknownAfterIntervals: z.number().int().min(1).max(1000),
});

/** Per-class overrides as an operator enters them: any class, any subset of the thresholds. */
export const linkClassOverridesSchema = z.partialRecord(z.enum(linkClasses), linkClassThresholdsSchema.partial());
export type LinkClassOverrides = z.infer<typeof linkClassOverridesSchema>;

const hysteresis = { downAfterFailedRounds: 3, upAfterGoodRounds: 2, unknownAfterIntervals: 3 };

/**
 * The backbone carries every city's traffic, so it is held to the tightest figures; department
 * access lines run over leased or broadcast-TV fibre with more hops and are allowed more.
 */
export const defaultLinkClassThresholds: Readonly<Record<LinkClass, Readonly<LinkClassThresholds>>> = {
  backbone: { maxLossRatio: 0.01, maxRttMs: 50, ...hysteresis },
  city: { maxLossRatio: 0.02, maxRttMs: 100, ...hysteresis },
  county: { maxLossRatio: 0.03, maxRttMs: 150, ...hysteresis },
  department: { maxLossRatio: 0.05, maxRttMs: 200, ...hysteresis },
};

/** The thresholds of one class: the defaults with the operator's overrides for that class on top. */
export function thresholdsForClass(linkClass: LinkClass, overrides: LinkClassOverrides = {}): LinkClassThresholds {
  return { ...defaultLinkClassThresholds[linkClass], ...overrides[linkClass] };
}

export type LinkTracking = {
  state: LinkState;
  /** Consecutive rounds without any reply, up to and including the latest one. */
  failedStreak: number;
  /** Consecutive rounds with at least one reply, up to and including the latest one. */
  goodStreak: number;
  /** When the current state began (ISO). */
  since: string;
  /** `startedAt` of the newest round applied (ISO); null when the link never reported. */
  lastRoundAt: string | null;
};

export const linkChangeReasons = [
  'loss_above_threshold',
  'rtt_above_threshold',
  'failed_rounds',
  'recovered',
  'silent',
  'first_round',
] as const;
export type LinkChangeReason = (typeof linkChangeReasons)[number];

export type LinkStateChange = {
  from: LinkState;
  to: LinkState;
  /** When the new state began (ISO): the round's start, or the moment silence passed its limit. */
  at: string;
  /** One English sentence for logs and the event list; pages translate from `reasonCode`. */
  reason: string;
  reasonCode: LinkChangeReason;
};

/** `change` is null unless the state itself moves (a new cause for the same state is no change). */
export type LinkStep = { tracking: LinkTracking; change: LinkStateChange | null };

export type RoundFacts = Pick<LinkRound, 'startedAt' | 'sent' | 'received' | 'lossRatio' | 'rttMs'>;

/** A link the console has just learnt of: no data yet, so UNKNOWN since that moment. */
export function initialLinkTracking(since: Date): LinkTracking {
  return { state: 'unknown', failedStreak: 0, goodStreak: 0, since: since.toISOString(), lastRoundAt: null };
}

function instant(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a timestamp: ${iso}`);
  return ms;
}

const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10} %`;

/** How a round with replies reads against the thresholds: UP, or DEGRADED with why. */
function qualityOf(round: RoundFacts, t: LinkClassThresholds) {
  if (round.lossRatio > t.maxLossRatio) {
    return {
      state: 'degraded' as const,
      code: 'loss_above_threshold' as const,
      text: `loss ${percent(round.lossRatio)} above ${percent(t.maxLossRatio)}`,
    };
  }
  // rttMs is null only when nothing came back; a good round without timings cannot be judged slow.
  if (round.rttMs !== null && round.rttMs.avg > t.maxRttMs) {
    return {
      state: 'degraded' as const,
      code: 'rtt_above_threshold' as const,
      text: `average round trip ${round.rttMs.avg} ms above ${t.maxRttMs} ms`,
    };
  }
  return { state: 'up' as const, code: 'recovered' as const, text: 'loss and round trip within thresholds' };
}

/**
 * Applies one reported round to a link's tracking. Rounds not newer than `lastRoundAt` (spool
 * replays, duplicates) leave the tracking untouched, so late data never moves the state backwards.
 */
export function linkStateAfterRound(
  tracking: LinkTracking,
  round: RoundFacts,
  thresholds: LinkClassThresholds,
): LinkStep {
  const startedMs = instant(round.startedAt, 'round startedAt');
  if (tracking.lastRoundAt !== null && startedMs <= instant(tracking.lastRoundAt, 'lastRoundAt')) {
    return { tracking, change: null };
  }
  const failed = round.received === 0;
  const failedStreak = failed ? tracking.failedStreak + 1 : 0;
  const goodStreak = failed ? 0 : tracking.goodStreak + 1;
  const from = tracking.state;

  let to: LinkState;
  let reasonCode: LinkChangeReason;
  let reason: string;
  if (failed && failedStreak >= thresholds.downAfterFailedRounds) {
    to = 'down';
    reasonCode = 'failed_rounds';
    reason = `${failedStreak} consecutive rounds without any reply`;
  } else if (failed) {
    // One silent round is not an outage yet, but 100 % loss is above any loss threshold.
    to = from === 'down' ? 'down' : 'degraded';
    reasonCode = 'loss_above_threshold';
    reason = `no reply to ${round.sent} packets (${failedStreak} of ${thresholds.downAfterFailedRounds} failed rounds before down)`;
  } else if (from === 'down' && goodStreak < thresholds.upAfterGoodRounds) {
    to = 'down';
    reasonCode = 'recovered';
    reason = `good round ${goodStreak} of ${thresholds.upAfterGoodRounds} needed to leave down`;
  } else {
    const quality = qualityOf(round, thresholds);
    to = quality.state;
    reasonCode = from === 'down' ? 'recovered' : quality.code;
    reason = from === 'down' ? `${goodStreak} consecutive good rounds; ${quality.text}` : quality.text;
  }
  if (from === 'unknown') {
    reasonCode = 'first_round';
    reason = `${tracking.lastRoundAt === null ? 'first round' : 'first round after silence'}: ${reason}`;
  }

  const lastRoundAt = new Date(startedMs).toISOString();
  if (to === from) {
    return { tracking: { ...tracking, failedStreak, goodStreak, lastRoundAt }, change: null };
  }
  // A replayed round can start before the sweep marked the link silent; clamping keeps one
  // link's changes in time order, which availability sums depend on.
  const at = new Date(Math.max(startedMs, instant(tracking.since, 'since'))).toISOString();
  return {
    tracking: { state: to, failedStreak, goodStreak, since: at, lastRoundAt },
    change: { from, to, at, reason, reasonCode },
  };
}

/**
 * The periodic sweep: a link with no round for `unknownAfterIntervals` × `intervalSeconds` (counted
 * from its last round, or from `since` when it never reported) becomes UNKNOWN.
 */
export function linkStateAfterSilence(
  tracking: LinkTracking,
  now: Date,
  intervalSeconds: number,
  thresholds: LinkClassThresholds,
): LinkStep {
  if (tracking.state === 'unknown') return { tracking, change: null };
  const lastSeen = tracking.lastRoundAt ?? tracking.since;
  const limitMs = thresholds.unknownAfterIntervals * intervalSeconds * 1000;
  const silentAtMs = instant(lastSeen, 'lastRoundAt') + limitMs;
  if (now.getTime() < silentAtMs) return { tracking, change: null };

  // The change is dated when silence passed its limit, not when the sweep ran, so availability
  // does not depend on how often (or how late) the sweep runs.
  const at = new Date(Math.max(silentAtMs, instant(tracking.since, 'since'))).toISOString();
  const seconds = Math.round((now.getTime() - instant(lastSeen, 'lastRoundAt')) / 1000);
  return {
    // Streaks are reset: after a gap, rounds no longer follow each other.
    tracking: { state: 'unknown', failedStreak: 0, goodStreak: 0, since: at, lastRoundAt: tracking.lastRoundAt },
    change: {
      from: tracking.state,
      to: 'unknown',
      at,
      reason: `no round for ${seconds} s (limit ${thresholds.unknownAfterIntervals} × ${intervalSeconds} s)`,
      reasonCode: 'silent',
    },
  };
}
