import { z } from 'zod';
import { drillResults, milestoneStatuses, protectionStates, replicationModes, siteStatuses } from '../../core/dr.ts';

/**
 * What operators and replication tooling send to the DR area. The service parses these itself
 * (pages and the API share every rule); the API documents them as its request bodies.
 */

const seconds = z
  .number()
  .int()
  .min(0)
  .max(366 * 24 * 3600);
const isoInstant = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

/**
 * A protection's new figures. Omitted fields keep their current values, so replication tooling
 * may send only `lagSeconds` and `lastRecoveryPoint`; `mode` is needed when the protection is new.
 * `version`, when given, must be the version the caller saw (409 otherwise).
 */
export const protectionBody = z
  .object({
    mode: z.enum(replicationModes).optional(),
    state: z.enum(protectionStates).optional(),
    lagSeconds: seconds.nullable().optional(),
    lastRecoveryPoint: isoInstant.nullable().optional(),
    version: z.number().int().min(1).optional(),
  })
  .strict();
export type ProtectionInput = z.infer<typeof protectionBody>;

export const drillPlanBody = z
  .object({
    system: z.string().trim().min(1).max(64),
    site: z.string().trim().min(1).max(64),
    plannedOn: isoDate,
  })
  .strict();
export type DrillPlan = z.infer<typeof drillPlanBody>;

/** A drill's execution. A passed drill must carry its measured RTO and RPO: they set the achieved level. */
export const drillRecordBody = z
  .object({
    executedAt: isoInstant,
    result: z.enum(drillResults),
    measuredRtoSeconds: seconds.nullable().optional(),
    measuredRpoSeconds: seconds.nullable().optional(),
    evidence: z.string().max(4000).optional(),
    attachments: z.array(z.string().trim().min(1).max(500)).max(50).optional(),
    cleanupConfirmed: z.boolean().optional(),
  })
  .strict();
export type DrillRecord = z.infer<typeof drillRecordBody>;

export const followUpCloseBody = z.object({ note: z.string().max(1000).optional() }).strict();

/** One row of the level table, replaced whole. */
export const drLevelBody = z
  .object({
    nameEn: z.string().trim().min(1).max(200),
    nameZh: z.string().trim().min(1).max(200),
    rtoText: z.string().trim().min(1).max(100),
    rpoText: z.string().trim().min(1).max(100),
    rtoMaxSeconds: seconds,
    rpoMaxSeconds: seconds,
    needsRealTime: z.boolean(),
  })
  .strict();
export type DrLevelInput = z.infer<typeof drLevelBody>;

export const drSettingsBody = z.object({ drillOverdueMonths: z.number().int().min(1).max(60) }).strict();
export type DrSettings = z.infer<typeof drSettingsBody>;

export const siteStatusBody = z.object({ status: z.enum(siteStatuses) }).strict();

/** An approval milestone; an approved one names its document and date. */
export const milestoneBody = z
  .object({
    status: z.enum(milestoneStatuses),
    documentNo: z.string().trim().min(1).max(100).nullable().optional(),
    decidedOn: isoDate.nullable().optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();
export type MilestoneInput = z.infer<typeof milestoneBody>;
