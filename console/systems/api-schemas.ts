import { z } from '@hono/zod-openapi';
import { hostingKinds, systemNetworks } from '../../core/dr.ts';
import { migrationStates } from '../../core/migration-lifecycle.ts';
import { departmentLevels } from '../../core/org.ts';
import { systemFlags, systemSorts } from './system-list.ts';

/** Response and query shapes of the systems API, for validation and the OpenAPI document. */

const seconds = z.number().int().nullable();

export const systemView = z
  .object({
    code: z.string(),
    name: z.string(),
    department: z.string(),
    departmentName: z.string(),
    departmentLevel: z.enum(departmentLevels),
    region: z.string(),
    regionName: z.string(),
    description: z.string(),
    mlpsLevel: z.number().int().min(1).max(5).nullable().openapi({ description: 'MLPS level; null until graded' }),
    network: z.enum(systemNetworks),
    hosting: z.enum(hostingKinds),
    hostingSite: z.string().nullable().openapi({ description: 'The cloud site, when hosted on the cloud' }),
    dataVolumeGiB: z.number().int(),
    rpoSeconds: seconds,
    rtoSeconds: seconds,
    targetDrLevel: z.number().int().min(1).max(6).nullable().openapi({ description: 'GB/T 20988 level aimed at' }),
    version: z.number().int().openapi({ description: 'Send it back with a change (optimistic concurrency)' }),
    demo: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    migration: z
      .object({ id: z.string(), state: z.enum(migrationStates), wave: z.string().nullable() })
      .nullable()
      .openapi({ description: 'The newest migration request, if any' }),
  })
  .openapi('System');

export const systemListItem = systemView
  .extend({ flags: z.array(z.enum(systemFlags)).openapi({ description: 'DR flags: target not met, drill overdue' }) })
  .openapi('SystemListItem');

const systemRef = z
  .object({ code: z.string(), name: z.string(), department: z.string(), departmentName: z.string() })
  .openapi('SystemRef');

export const systemDetail = systemView
  .extend({
    dependsOn: z.array(systemRef).openapi({ description: 'Systems this one needs running first' }),
    dependants: z.array(systemRef).openapi({ description: 'Systems that depend on this one' }),
  })
  .openapi('SystemDetail');

export const systemFilterQuery = z.object({
  department: z.string().max(32).optional(),
  region: z.string().max(32).optional().openapi({ description: 'A region and everything below it' }),
  level: z.enum(departmentLevels).optional().openapi({ description: "The owning department's level" }),
  mlps: z.enum(['1', '2', '3', '4', '5', 'none']).optional().openapi({ description: 'MLPS level, or none (ungraded)' }),
  network: z.enum(systemNetworks).optional(),
  hosting: z.enum(hostingKinds).optional(),
  q: z.string().max(100).optional().openapi({ description: 'Text in the code or name' }),
  state: z
    .enum([...migrationStates, 'none'])
    .optional()
    .openapi({ description: "The current request's state, or none (never requested)" }),
  wave: z.string().max(64).optional().openapi({ description: "The current request's wave" }),
  flag: z.enum(systemFlags).optional(),
});

export const systemListQuery = systemFilterQuery.extend({
  sort: z.enum(systemSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** The query's MLPS filter as the service takes it. */
export function mlpsFilter(mlps: string | undefined): number | 'none' | undefined {
  return mlps === undefined || mlps === 'none' ? mlps : Number(mlps);
}

export const importJson = z.object({ csv: z.string() }).openapi('SystemImport');

export const importOutcome = z
  .object({ created: z.number().int(), updated: z.number().int() })
  .openapi('SystemImportOutcome');
