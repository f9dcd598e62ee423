import { z } from '@hono/zod-openapi';
import { migrationStates, migrationStrategies } from '../../core/migration-lifecycle.ts';
import { allocationInput } from '../capacity/allocation-input.ts';
import { allocationOut } from '../capacity/api-schemas.ts';
import { boardColumnKeys } from './board-columns.ts';
import { requestSorts } from './request-list.ts';
import { waveHealths } from './wave-health.ts';

/** Request and response shapes of the migration API, for validation and the OpenAPI document. */

const state = z.enum(migrationStates);
const instant = z.string().max(40).openapi({ example: '2026-12-05T14:00:00Z', description: 'ISO 8601 with offset' });
const comment = z.string().trim().max(2000);

export const migrationRequest = z
  .object({
    id: z.string(),
    system: z.string(),
    systemName: z.string(),
    mlpsLevel: z.number().int().nullable(),
    department: z.string(),
    departmentName: z.string(),
    state,
    heldFrom: state.nullable(),
    justification: z.string(),
    targetSite: z.string().nullable(),
    strategy: z.enum(migrationStrategies).nullable(),
    readiness: z.string().nullable(),
    sizing: allocationOut.nullable(),
    quotaRequestId: z.string().nullable(),
    wave: z.string().nullable(),
    cutoverStart: z.string().nullable(),
    cutoverEnd: z.string().nullable(),
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('MigrationRequest');

export const migrationEvent = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    from: state.nullable(),
    to: state,
    comment: z.string(),
  })
  .openapi('MigrationEvent');

const gateProblem = z.object({ gate: z.string(), system: z.string().optional() });

export const migrationDetail = migrationRequest
  .extend({
    history: z.array(migrationEvent),
    allowed: z.array(z.object({ to: state, gates: z.array(gateProblem) })).openapi({
      description:
        'The moves the caller may make now; a gated move lists the gates that would refuse it (empty: it passes)',
    }),
  })
  .openapi('MigrationRequestDetail');

export const draftBody = z
  .object({
    system: z.string().min(1).max(64),
    justification: z.string().trim().max(4000).optional(),
    targetSite: z.string().min(1).max(32).nullable().optional(),
  })
  .strict();

export const draftPatch = z
  .object({
    version: z.number().int().nonnegative(),
    justification: z.string().trim().max(4000).optional(),
    targetSite: z.string().min(1).max(32).nullable().optional(),
  })
  .strict();

export const moveBody = z
  .object({
    to: state,
    version: z.number().int().nonnegative(),
    comment: comment.optional(),
    strategy: z.enum(migrationStrategies).optional(),
    readiness: z.string().trim().max(4000).optional(),
    sizing: allocationInput.optional(),
    raiseQuotaRequest: z.boolean().optional(),
    wave: z.string().min(1).max(32).optional(),
    cutoverStart: instant.optional(),
    cutoverEnd: instant.optional(),
  })
  .strict();

const page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

const filters = {
  state: state.optional(),
  column: z.enum(boardColumnKeys as [string, ...string[]]).optional(),
  department: z.string().max(32).optional(),
  region: z.string().max(32).optional(),
  wave: z.string().max(32).optional(),
  mlps: z.coerce.number().int().min(1).max(5).optional(),
  q: z.string().max(100).optional(),
};

export const requestListQuery = z.object({
  ...filters,
  sort: z.enum(requestSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  ...page,
});

export const boardQuery = z.object({ ...filters, cards: z.coerce.number().int().min(0).max(100).default(12) });

export const boardView = z
  .object({
    columns: z.array(
      z.object({
        key: z.string(),
        count: z.number().int(),
        states: z.array(z.object({ state, count: z.number().int() })),
        cards: z.array(migrationRequest),
      }),
    ),
  })
  .openapi('MigrationBoard');

export const waveView = z
  .object({
    code: z.string(),
    name: z.string(),
    position: z.number().int(),
    windowStart: z.string().nullable(),
    windowEnd: z.string().nullable(),
    notes: z.string(),
    byState: z.partialRecord(state, z.number().int()),
    total: z.number().int(),
    cutOver: z.number().int(),
    cutOverShare: z.number(),
    health: z.enum(waveHealths),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Wave');

export const waveBody = z
  .object({
    code: z.string().min(1).max(32),
    name: z.string().trim().min(1).max(200),
    position: z.number().int().min(0).max(100_000),
    windowStart: instant.nullable().optional(),
    windowEnd: instant.nullable().optional(),
    notes: z.string().max(4000).optional(),
  })
  .strict();

export const wavePatch = waveBody.omit({ code: true }).partial().strict();
