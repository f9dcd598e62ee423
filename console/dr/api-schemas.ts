import { z } from '@hono/zod-openapi';
import {
  drillResults,
  milestoneKinds,
  milestoneStatuses,
  protectionStates,
  replicationModes,
  siteStatuses,
} from '../../core/dr.ts';
import { siteRoles } from '../../core/org.ts';
import { drillOutcomes, drillSorts } from './drills.ts';
import { drFlags } from './flags.ts';
import { matrixSorts } from './matrix.ts';

/** Response and query shapes of the DR API, for validation and the OpenAPI document. */

const mode = z.enum(replicationModes);
const state = z.enum(protectionStates);
const flag = z.enum(drFlags);
const level = z.number().int().nullable();

export const protectionView = z
  .object({
    system: z.string(),
    site: z.string(),
    siteName: z.string(),
    siteRole: z.enum(siteRoles),
    mode,
    state,
    lagSeconds: z.number().int().nullable(),
    lastRecoveryPoint: z.string().nullable(),
    achievedLevel: level.openapi({
      description: 'GB/T 20988 level met (0: none); null until replication is up and a drill has passed',
    }),
    targetLevel: level,
    rpoSeconds: z.number().int().nullable().openapi({ description: "The system's RPO target" }),
    targetNotMet: z.boolean(),
    lagAboveRpo: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .openapi('DrProtection');

const cell = z
  .object({
    mode,
    state,
    lagSeconds: z.number().int().nullable(),
    lastRecoveryPoint: z.string().nullable(),
    achievedLevel: level,
    targetNotMet: z.boolean(),
    lagAboveRpo: z.boolean(),
  })
  .nullable();

export const matrixView = z
  .object({
    sites: z.array(z.object({ code: z.string(), name: z.string(), role: z.enum(siteRoles) })),
    items: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        department: z.string(),
        departmentName: z.string(),
        mlpsLevel: level,
        targetLevel: level,
        rpoSeconds: z.number().int().nullable(),
        rtoSeconds: z.number().int().nullable(),
        cells: z.record(z.string(), cell).openapi({ description: 'Per DR site code; null: no protection there' }),
        flags: z.array(flag),
      }),
    ),
    total: z.number().int(),
    flagged: z.record(flag, z.number().int()),
    drillOverdueMonths: z.number().int(),
  })
  .openapi('DrMatrix');

export const matrixQuery = z.object({
  q: z.string().max(100).optional(),
  department: z.string().max(32).optional(),
  region: z.string().max(32).optional(),
  mlps: z.coerce.number().int().min(1).max(5).optional(),
  state: state.optional(),
  flag: flag.optional(),
  sort: z.enum(matrixSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const drillView = z
  .object({
    id: z.string(),
    system: z.string(),
    systemName: z.string(),
    department: z.string(),
    site: z.string(),
    siteName: z.string(),
    plannedOn: z.string(),
    executedAt: z.string().nullable(),
    result: z.enum(drillResults).nullable(),
    measuredRtoSeconds: z.number().int().nullable(),
    measuredRpoSeconds: z.number().int().nullable(),
    targetRtoSeconds: z.number().int().nullable(),
    targetRpoSeconds: z.number().int().nullable(),
    evidence: z.string(),
    attachments: z.array(z.string()),
    cleanupConfirmed: z.boolean(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
  })
  .openapi('DrDrill');

export const followUpView = z
  .object({
    id: z.string(),
    system: z.string(),
    drill: z.string().nullable(),
    drillResult: z.enum(drillResults).nullable(),
    drillSite: z.string().nullable(),
    text: z.string(),
    status: z.enum(['open', 'closed']),
    createdAt: z.string(),
    createdBy: z.string(),
    closedAt: z.string().nullable(),
    closedBy: z.string().nullable(),
  })
  .openapi('SystemFollowUp');

export const drillsQuery = z.object({
  system: z.string().max(64).optional(),
  site: z.string().max(64).optional(),
  department: z.string().max(32).optional(),
  outcome: z.enum(drillOutcomes).optional(),
  sort: z.enum(drillSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const levelView = z
  .object({
    level: z.number().int(),
    nameEn: z.string(),
    nameZh: z.string(),
    rtoText: z.string(),
    rpoText: z.string(),
    rtoMaxSeconds: z.number().int(),
    rpoMaxSeconds: z.number().int(),
    needsRealTime: z.boolean(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .openapi('DrLevel');

export const settingsView = z.object({ drillOverdueMonths: z.number().int() }).openapi('DrSettings');

export const siteView = z
  .object({
    code: z.string(),
    name: z.string(),
    role: z.enum(siteRoles),
    region: z.string(),
    status: z.enum(siteStatuses),
    milestones: z.array(
      z.object({
        kind: z.enum(milestoneKinds),
        status: z.enum(milestoneStatuses),
        documentNo: z.string().nullable(),
        decidedOn: z.string().nullable(),
        note: z.string(),
        updatedAt: z.string().nullable(),
        updatedBy: z.string().nullable(),
      }),
    ),
    approved: z.number().int(),
  })
  .openapi('DrSite');
