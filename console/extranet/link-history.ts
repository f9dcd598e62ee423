import {
  type Availability,
  availability,
  chinaUtcOffsetMinutes,
  dailyAvailability,
  type LinkStateEvent,
  monthlyAvailability,
  type PeriodAvailability,
} from '../../core/link-availability.ts';
import type { LinkChangeReason, LinkState } from '../../core/link-state.ts';
import { linkChangeReasons } from '../../core/link-state.ts';
import type { Principal } from '../../core/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { asLinkState } from './link-tracking-store.ts';
import { requireLinkVisible } from './link-views.ts';

/** One stored round, newest first in lists. */
export type RoundView = {
  startedAt: string;
  agent: string;
  sent: number;
  received: number;
  lossRatio: number;
  rttMs: { min: number; avg: number; max: number; mdev: number } | null;
  jitterMs: number | null;
  httpStatus: number | null;
  phasesMs: Record<string, number> | null;
  error: string | null;
};

export type LinkEventView = { at: string; from: LinkState; to: LinkState; reasonCode: LinkChangeReason | string };

export type PeriodView = Availability & { period: string; from: string; to: string };

/** Availability in the province's calendar (Asia/Shanghai): today, each of 30 days, each of 12 months. */
export type LinkAvailabilityView = {
  link: string;
  timeZone: 'Asia/Shanghai';
  today: PeriodView;
  days: PeriodView[];
  months: PeriodView[];
};

const dayMs = 86_400_000;
const shiftMs = chinaUtcOffsetMinutes * 60_000;

/** Local midnight (Asia/Shanghai) of the day holding `at`, `daysBack` days earlier, as an instant. */
function localDayStart(at: Date, daysBack: number): Date {
  return new Date(Math.floor((at.getTime() + shiftMs) / dayMs) * dayMs - daysBack * dayMs - shiftMs);
}

/** The first local instant of the month holding `at`, `monthsBack` months earlier. */
function localMonthStart(at: Date, monthsBack: number): Date {
  const local = new Date(at.getTime() + shiftMs);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - monthsBack, 1) - shiftMs);
}

function periodView(p: PeriodAvailability): PeriodView {
  return { ...p, from: p.from.toISOString(), to: p.to.toISOString() };
}

/** A link's stored rounds, its state changes, and availability worked out from those changes. */
export function linkHistory({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function requireVisible(p: Principal, code: string): Promise<void> {
    const link = await uow
      .db()
      .selectFrom('links')
      .select('department_code')
      .where('code', '=', code)
      .executeTakeFirst();
    requireLinkVisible(p, code, link ? link.department_code : undefined);
  }

  async function rounds(p: Principal, code: string, limit = 100): Promise<RoundView[]> {
    await requireVisible(p, code);
    const rows = await uow
      .db()
      .selectFrom('link_rounds')
      .selectAll()
      .where('link_code', '=', code)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      startedAt: r.started_at,
      agent: r.agent_id,
      sent: r.sent,
      received: r.received,
      lossRatio: r.loss_ratio,
      rttMs:
        r.rtt_avg_ms === null
          ? null
          : { min: r.rtt_min_ms ?? 0, avg: r.rtt_avg_ms, max: r.rtt_max_ms ?? 0, mdev: r.rtt_mdev_ms ?? 0 },
      jitterMs: r.jitter_ms,
      httpStatus: r.http_status,
      phasesMs: r.phases ? (JSON.parse(r.phases) as Record<string, number>) : null,
      error: r.error,
    }));
  }

  async function events(p: Principal, code: string, limit = 50): Promise<LinkEventView[]> {
    await requireVisible(p, code);
    const rows = await uow
      .db()
      .selectFrom('link_events')
      .selectAll()
      .where('link_code', '=', code)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      at: r.at,
      from: asLinkState(r.from_state),
      to: asLinkState(r.to_state),
      reasonCode: linkChangeReasons.find((c) => c === r.reason_code) ?? r.reason_code,
    }));
  }

  async function availabilityOf(p: Principal, code: string): Promise<LinkAvailabilityView> {
    await requireVisible(p, code);
    const at = now();
    const monthsFrom = localMonthStart(at, 11);
    const daysFrom = localDayStart(at, 29);
    const from = new Date(Math.min(monthsFrom.getTime(), daysFrom.getTime()));
    const db = uow.db();
    const before = await db
      .selectFrom('link_events')
      .select('to_state')
      .where('link_code', '=', code)
      .where('at', '<', from.toISOString())
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const rows = await db
      .selectFrom('link_events')
      .select(['at', 'to_state'])
      .where('link_code', '=', code)
      .where('at', '>=', from.toISOString())
      .where('at', '<=', at.toISOString())
      .orderBy('at')
      .execute();
    const changes: LinkStateEvent[] = rows.map((r) => ({ at: r.at, to: asLinkState(r.to_state) }));
    const stateBefore = before ? asLinkState(before.to_state) : null;
    const days = dailyAvailability(changes, stateBefore, { from: daysFrom, to: at }).map(periodView);
    const todayFrom = localDayStart(at, 0);
    const today: PeriodView = {
      period: days.at(-1)?.period ?? '',
      from: todayFrom.toISOString(),
      to: at.toISOString(),
      ...availability(changes, stateBefore, { from: todayFrom, to: at }),
    };
    return {
      link: code,
      timeZone: 'Asia/Shanghai',
      today,
      days,
      months: monthlyAvailability(changes, stateBefore, { from: monthsFrom, to: at }).map(periodView),
    };
  }

  return { rounds, events, availability: availabilityOf };
}
