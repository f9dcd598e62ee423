import { z } from 'zod';
import { resourceKeySchema } from '../capacity.ts';
import { departmentLevels, siteRoles } from '../org.ts';

/**
 * The desired-state document: what every site's Kubernetes should hold for the departments the
 * console has approved. The console serves it (`GET /api/v1/provisioning/desired-state`); the
 * Pulumi program in `infra/` reads it through this schema. Amounts are exact integers in base
 * units (millicores, bytes, counts); the program prints them in Kubernetes quantity notation.
 */

const amount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const side = z.object({ requests: amount, limits: amount });

/** Object-count limits every department namespace gets (not part of the capacity ledger). */
export const objectCountsSchema = z.object({
  pods: amount,
  services: amount,
  persistentvolumeclaims: amount,
  configmaps: amount,
  secrets: amount,
  'services.loadbalancers': amount,
});
export type ObjectCounts = z.infer<typeof objectCountsSchema>;

/** Defaults sized for a department's dozen systems; an operator raises them per request later. */
export const defaultObjectCounts: ObjectCounts = {
  pods: 500,
  services: 100,
  persistentvolumeclaims: 100,
  configmaps: 500,
  secrets: 500,
  'services.loadbalancers': 0,
};

export const namespaceSchema = z.object({
  /** DNS-1123 label; see core/namespace.ts */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
  department: z.object({
    code: z.string(),
    name: z.string(),
    level: z.enum(departmentLevels),
    region: z.string(),
  }),
  /** The cluster group bound to `edit` in this namespace. */
  group: z.string(),
  /** Approved amounts by resource key (`cpu`, `memory`, `gpu`, `storage:<class>`). */
  allocation: z.partialRecord(resourceKeySchema, side),
  objects: objectCountsSchema,
  /** When the allocation in force was approved, and the request that did it. */
  approvedAt: z.string(),
  requestId: z.string(),
});
export type DesiredNamespace = z.infer<typeof namespaceSchema>;

export const siteStateSchema = z.object({
  code: z.string(),
  name: z.string(),
  role: z.enum(siteRoles),
  /** Physical capacity per resource and the ratio (hundredths; 100 = 1.0) each side may be promised at. */
  capacity: z.array(
    z.object({
      resource: resourceKeySchema,
      capacity: amount,
      ratioPercent: z.object({ requests: z.number().int().positive(), limits: z.number().int().positive() }),
    }),
  ),
  namespaces: z.array(namespaceSchema),
});
export type SiteState = z.infer<typeof siteStateSchema>;

export const desiredStateSchema = z.object({
  /** Increases on every change of an allocation, a site's capacity or a department's labels. */
  revision: z.number().int().nonnegative(),
  generatedAt: z.string(),
  sites: z.array(siteStateSchema),
});
export type DesiredState = z.infer<typeof desiredStateSchema>;
