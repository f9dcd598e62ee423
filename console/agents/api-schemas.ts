import { z } from '@hono/zod-openapi';
import { certSourceSchema } from '../../core/contracts/agent.ts';
import { agentSorts, agentStatuses } from './agent-views.ts';

/** Response and query shapes of the agents API, for validation and the OpenAPI document. */

export const agentView = z
  .object({
    id: z.string(),
    name: z.string(),
    site: z.string().nullable(),
    siteName: z.string().nullable(),
    department: z.string().nullable(),
    departmentName: z.string().nullable(),
    status: z.enum(agentStatuses),
    enrolmentExpired: z.boolean(),
    enrolmentExpiresAt: z.string().nullable(),
    hostname: z.string().nullable(),
    version: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    enrolledAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    configRevision: z.string().nullable(),
    spool: z.object({ records: z.number().int(), bytes: z.number().int(), droppedTotal: z.number().int() }),
    links: z.number().int(),
  })
  .openapi('Agent');

export const agentDetail = agentView.extend({ certSources: z.array(certSourceSchema) }).openapi('AgentDetail');

export const enrolment = z
  .object({
    token: z.string().openapi({ description: 'One-time enrolment token; shown this once, only its hash is kept' }),
    expiresAt: z.string(),
  })
  .openapi('AgentEnrolmentToken');

export const agentWithToken = z.object({ agent: agentDetail, enrolment });

export const agentListQuery = z.object({
  status: z.enum(agentStatuses).optional(),
  site: z.string().max(32).optional(),
  department: z.string().max(32).optional(),
  q: z.string().max(100).optional(),
  sort: z.enum(agentSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Bounded like the contract's AgentConfig.certSources. */
export const certSourcesBody = z.array(certSourceSchema).max(500);

export const agentIdParam = z.object({ id: z.string().min(1).max(64) });
