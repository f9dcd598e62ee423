import { z } from '@hono/zod-openapi';
import { linkChangeReasons, linkClasses, linkClassThresholdsSchema, linkStates } from '../../core/link-state.ts';
import { linkProbeSchema } from './link-input.ts';
import { linkSorts } from './link-list.ts';

/** Response and query shapes of the extranet API, for validation and the OpenAPI document. */

const state = z.enum(linkStates);
const linkClass = z.enum(linkClasses);
const ratio = z.number().min(0).max(1);

export const linkView = z
  .object({
    code: z.string(),
    name: z.string(),
    class: linkClass,
    parent: z.string().nullable(),
    region: z.string().nullable(),
    regionName: z.string().nullable(),
    department: z.string().nullable(),
    departmentName: z.string().nullable(),
    agent: z.string().nullable(),
    agentName: z.string().nullable(),
    probe: linkProbeSchema,
    demo: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    state,
    since: z.string(),
    lastRoundAt: z.string().nullable(),
    lossRatio: ratio.nullable(),
    rttAvgMs: z.number().nullable(),
    jitterMs: z.number().nullable(),
    error: z.string().nullable(),
    affectedBy: z.string().nullable().openapi({ description: 'The highest DOWN link above this one, if any' }),
  })
  .openapi('Link');

// Rebuilt from the core schema's shape: schemas made before @hono/zod-openapi loads lack .openapi().
export const thresholds = z.object(linkClassThresholdsSchema.shape).openapi('LinkClassThresholds');

export const linkEvent = z
  .object({ at: z.string(), from: state, to: state, reasonCode: z.union([z.enum(linkChangeReasons), z.string()]) })
  .openapi('LinkStateEvent');

export const linkDetail = linkView
  .extend({
    thresholds,
    events: z.array(linkEvent).openapi({ description: 'The latest 50 state changes, newest first' }),
  })
  .openapi('LinkDetail');

export const roundView = z
  .object({
    startedAt: z.string(),
    agent: z.string(),
    sent: z.number().int(),
    received: z.number().int(),
    lossRatio: ratio,
    rttMs: z.object({ min: z.number(), avg: z.number(), max: z.number(), mdev: z.number() }).nullable(),
    jitterMs: z.number().nullable(),
    httpStatus: z.number().int().nullable(),
    phasesMs: z.record(z.string(), z.number()).nullable(),
    error: z.string().nullable(),
  })
  .openapi('LinkRound');

const period = z
  .object({
    period: z.string().openapi({ description: 'Local day (2026-11-21) or month (2026-11), Asia/Shanghai' }),
    from: z.string(),
    to: z.string(),
    upSeconds: z.number(),
    degradedSeconds: z.number(),
    downSeconds: z.number(),
    unknownSeconds: z.number(),
    ratio: ratio
      .nullable()
      .openapi({ description: '(up + degraded) / (up + degraded + down); null without known time' }),
  })
  .openapi('AvailabilityPeriod');

export const availabilityView = z
  .object({
    link: z.string(),
    timeZone: z.literal('Asia/Shanghai'),
    today: period,
    days: z.array(period),
    months: z.array(period),
  })
  .openapi('LinkAvailability');

const counts = z
  .object({
    up: z.number().int(),
    degraded: z.number().int(),
    down: z.number().int(),
    unknown: z.number().int(),
    affected: z.number().int().openapi({ description: 'Beneath a DOWN link: counted in its incident only' }),
  })
  .openapi('LinkStateCounts');

const overviewLink = z.object({
  code: z.string(),
  name: z.string(),
  class: linkClass,
  region: z.string().nullable(),
  state,
  since: z.string(),
  lossRatio: ratio.nullable(),
  rttAvgMs: z.number().nullable(),
});

const regionCounts = z.object({ region: z.string(), name: z.string(), links: z.number().int(), counts });

export const overviewView = z
  .object({
    totals: z.object({ links: z.number().int(), incidents: z.number().int(), counts }),
    byClass: z.array(z.object({ class: linkClass, links: z.number().int(), counts })),
    incidents: z.array(z.object({ root: overviewLink, affectedCount: z.number().int() })),
    tree: z.object({
      province: regionCounts,
      cities: z.array(regionCounts.extend({ counties: z.array(regionCounts) })),
    }),
    worst: z.object({ loss: z.array(overviewLink), rtt: z.array(overviewLink), longestDown: z.array(overviewLink) }),
    cycles: z.array(z.string()),
  })
  .openapi('ExtranetOverview');

export const linkClassView = z
  .object({
    class: linkClass,
    thresholds,
    defaults: thresholds,
    overridden: z.boolean(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .openapi('LinkClass');

export const linkListQuery = z.object({
  state: state.optional(),
  class: linkClass.optional(),
  region: z.string().max(32).optional(),
  department: z.string().max(32).optional(),
  agent: z.string().max(64).optional(),
  q: z.string().max(100).optional(),
  sort: z.enum(linkSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const roundsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
