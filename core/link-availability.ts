import type { LinkState } from './link-state.ts';

/**
 * Availability of one link over a window, from its state changes. Time in UNKNOWN is left out of
 * the ratio: no data (an agent away, a sweep behind) is not an outage, and counting it either way
 * would let a broken agent move a department's figure. DEGRADED counts as available — the link
 * carried traffic, only worse than its class allows.
 */

export type LinkStateEvent = { at: string; to: LinkState };

export type Availability = {
  upSeconds: number;
  degradedSeconds: number;
  downSeconds: number;
  unknownSeconds: number;
  /** (up + degraded) / (up + degraded + down); null when the window holds no known time. */
  ratio: number | null;
};

/** One calendar day (`2025-03-01`) or month (`2025-03`) in the chosen time zone, clipped to the window. */
export type PeriodAvailability = Availability & { period: string; from: Date; to: Date };

export type AvailabilityWindow = { from: Date; to: Date };

/** Asia/Shanghai: China keeps one offset all year, so a fixed offset is exact. */
export const chinaUtcOffsetMinutes = 480;

const dayMs = 86_400_000;

type Totals = Record<LinkState, number>;

function ratioOf(t: Totals): number | null {
  const known = t.up + t.degraded + t.down;
  return known === 0 ? null : (t.up + t.degraded) / known;
}

function toAvailability(t: Totals): Availability {
  return {
    upSeconds: t.up / 1000,
    degradedSeconds: t.degraded / 1000,
    downSeconds: t.down / 1000,
    unknownSeconds: t.unknown / 1000,
    ratio: ratioOf(t),
  };
}

/** Events as instants in time order; equal instants keep their given order (the last one wins). */
function timeline(events: readonly LinkStateEvent[]): { ms: number; to: LinkState }[] {
  const parsed = events.map((e) => {
    const ms = Date.parse(e.at);
    if (Number.isNaN(ms)) throw new RangeError(`event time is not a timestamp: ${e.at}`);
    return { ms, to: e.to };
  });
  // Callers pass sorted events; a stable sort costs little and keeps an unsorted list from
  // silently giving wrong sums.
  return parsed.sort((a, b) => a.ms - b.ms);
}

/**
 * One sweep over the events for consecutive periods `[bounds[i], bounds[i+1])`, so a year of days
 * costs one pass over the events rather than one per day.
 */
function sweep(events: readonly LinkStateEvent[], stateBefore: LinkState | null, bounds: number[]): Totals[] {
  const changes = timeline(events);
  let state: LinkState = stateBefore ?? 'unknown';
  let i = 0;
  const totals: Totals[] = [];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const start = bounds[p]!;
    const end = bounds[p + 1]!;
    const t: Totals = { up: 0, degraded: 0, down: 0, unknown: 0 };
    let cursor = start;
    for (; i < changes.length && changes[i]!.ms < end; i++) {
      const change = changes[i]!;
      if (change.ms > cursor) {
        t[state] += change.ms - cursor;
        cursor = change.ms;
      }
      state = change.to;
    }
    t[state] += end - cursor;
    totals.push(t);
  }
  return totals;
}

function checkWindow({ from, to }: AvailabilityWindow): [number, number] {
  const [a, b] = [from.getTime(), to.getTime()];
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) throw new RangeError('availability window must run forwards');
  return [a, b];
}

/**
 * Seconds in each state and the availability ratio over `window`. `stateBefore` is the state at
 * the start of the history (null: unknown); events before the window only set the starting
 * state. Clip `window.to` at now, or the current state is counted into the future.
 */
export function availability(
  events: readonly LinkStateEvent[],
  stateBefore: LinkState | null,
  window: AvailabilityWindow,
): Availability {
  return toAvailability(sweep(events, stateBefore, checkWindow(window))[0]!);
}

/** The start of the local calendar period that holds `ms`, and of the one after it. */
type PeriodStep = (localMs: number) => { start: number; next: number; label: string };

const dayStep: PeriodStep = (localMs) => {
  const start = Math.floor(localMs / dayMs) * dayMs;
  return { start, next: start + dayMs, label: new Date(start).toISOString().slice(0, 10) };
};

const monthStep: PeriodStep = (localMs) => {
  const d = new Date(localMs);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start, next, label: new Date(start).toISOString().slice(0, 7) };
};

function byPeriod(
  events: readonly LinkStateEvent[],
  stateBefore: LinkState | null,
  window: AvailabilityWindow,
  utcOffsetMinutes: number,
  step: PeriodStep,
): PeriodAvailability[] {
  const [from, to] = checkWindow(window);
  // Local calendar arithmetic is done on instants shifted by the offset, then shifted back.
  const shift = utcOffsetMinutes * 60_000;
  const bounds = [from];
  const labels: string[] = [];
  while (bounds[bounds.length - 1]! < to) {
    const { next, label } = step(bounds[bounds.length - 1]! + shift);
    bounds.push(Math.min(next - shift, to));
    labels.push(label);
  }
  return sweep(events, stateBefore, bounds).map((totals, i) => ({
    period: labels[i]!,
    from: new Date(bounds[i]!),
    to: new Date(bounds[i + 1]!),
    ...toAvailability(totals),
  }));
}

/**
 * Availability per local calendar day (China by default), the first and last days clipped to the
 * window. A change exactly at midnight belongs wholly to the day it opens.
 */
export function dailyAvailability(
  events: readonly LinkStateEvent[],
  stateBefore: LinkState | null,
  window: AvailabilityWindow,
  utcOffsetMinutes = chinaUtcOffsetMinutes,
): PeriodAvailability[] {
  return byPeriod(events, stateBefore, window, utcOffsetMinutes, dayStep);
}

/** Availability per local calendar month (China by default), the first and last months clipped to the window. */
export function monthlyAvailability(
  events: readonly LinkStateEvent[],
  stateBefore: LinkState | null,
  window: AvailabilityWindow,
  utcOffsetMinutes = chinaUtcOffsetMinutes,
): PeriodAvailability[] {
  return byPeriod(events, stateBefore, window, utcOffsetMinutes, monthStep);
}
