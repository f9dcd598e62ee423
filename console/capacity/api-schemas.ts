import { z } from '@hono/zod-openapi';
import { departmentLevels, siteRoles } from '../../core/org.ts';
import { requestSorts, requestStatuses } from './requests-service.ts';
import { quotaSorts } from './quotas-service.ts';

/** Response and query shapes of the capacity & quota API, for validation and the OpenAPI document. */

const amount = z.object({ requests: z.number().int(), limits: z.number().int() });
export const allocationOut = z.partialRecord(z.string(), amount).openapi('Allocation', {
  description: 'Exact amounts per resource: cpu in millicores, memory and storage:<class> in bytes, gpu in units',
});

export const siteCapacity = z
  .object({
    site: z.string(),
    name: z.string(),
    role: z.enum(siteRoles),
    version: z.number().int(),
    updatedAt: z.string(),
    updatedBy: z.string(),
    departments: z.number().int(),
    resources: z.array(
      z.object({
        resource: z.string(),
        unit: z.enum(['millicores', 'bytes', 'count']),
        capacity: z.number().int(),
        ratioPercent: amount,
        ceiling: amount,
        allocated: amount,
        free: amount,
        used: amount.nullable().optional(),
      }),
    ),
  })
  .openapi('SiteCapacity');

export const quotaRequest = z
  .object({
    id: z.string(),
    department: z.string(),
    departmentName: z.string(),
    site: z.string(),
    kind: z.enum(['new', 'change']),
    status: z.enum(requestStatuses),
    justification: z.string(),
    requested: allocationOut,
    approved: allocationOut.nullable(),
    reason: z.string().nullable(),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .openapi('QuotaRequest');

export const requestEvent = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    note: z.string().nullable(),
    amounts: allocationOut.nullable(),
  })
  .openapi('QuotaRequestEvent');

export const quotaRow = z
  .object({
    department: z.string(),
    departmentName: z.string(),
    level: z.enum(departmentLevels),
    region: z.string(),
    site: z.string(),
    namespace: z.string(),
    approvedAt: z.string(),
    requestId: z.string(),
    cpu: amount,
    memory: amount,
    storage: z.number().int(),
    gpu: z.number().int(),
  })
  .openapi('Quota');

const page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

export const requestListQuery = z.object({
  status: z.enum([...requestStatuses, 'open', 'all']).optional(),
  site: z.string().max(32).optional(),
  department: z.string().max(32).optional(),
  q: z.string().max(100).optional(),
  sort: z.enum(requestSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  ...page,
});

export const quotaListQuery = z.object({
  site: z.string().max(32).optional(),
  level: z.enum(departmentLevels).optional(),
  region: z.string().max(32).optional(),
  q: z.string().max(100).optional(),
  sort: z.enum(quotaSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  ...page,
});

export const version = z.number().int().nonnegative();
export const reason = z.string().trim().min(1).max(2000);
export const justification = z.string().trim().min(1).max(4000);
