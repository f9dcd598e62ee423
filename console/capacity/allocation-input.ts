import { z } from '@hono/zod-openapi';
import {
  type Allocation,
  hasOwnLimit,
  isStorageResource,
  type ResourceKey,
  resourceOrder,
  unitOf,
} from '../../core/capacity.ts';
import { parseQuantity, QuantityError } from '../../core/quantity.ts';

/**
 * How the API and forms accept amounts: Kubernetes quantity notation per resource, either one
 * value (requests = limits) or `{ requests, limits }`. A bare JSON number reads as Kubernetes
 * reads it in YAML (`cpu: 64` is 64 cores). Every amount becomes an exact integer here; a bad
 * one is named by its path (`allocation.memory.requests`) and its rule (`quantity_format`, …).
 */

const quantityText = z.union([z.string().max(64), z.number()]).openapi({ example: '256Gi' });
const amountInput = z.union([
  quantityText,
  z.object({ requests: quantityText, limits: quantityText.optional() }).strict(),
]);

export const allocationInput = z
  .record(z.string().max(48), amountInput)
  .superRefine((raw, ctx) => {
    if (Object.keys(raw).length === 0)
      ctx.addIssue({ code: 'custom', message: 'empty', params: { rule: 'empty_allocation' } });
  })
  .transform((raw, ctx) => {
    const allocation: Allocation = {};
    for (const [key, value] of Object.entries(raw)) {
      if (!(key === 'cpu' || key === 'memory' || key === 'gpu' || isStorageResource(key))) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'unknown resource',
          params: { rule: 'unknown_resource' },
        });
        continue;
      }
      const resource = key as ResourceKey;
      const given = typeof value === 'object' ? value : { requests: value, limits: undefined };
      const read = (text: string | number, side: 'requests' | 'limits') => {
        try {
          return parseQuantity(String(text), unitOf(resource));
        } catch (err) {
          if (!(err instanceof QuantityError)) throw err;
          ctx.addIssue({ code: 'custom', path: [key, side], message: err.rule, params: { rule: err.rule } });
          return null;
        }
      };
      const requests = read(given.requests, 'requests');
      const limits = given.limits === undefined ? requests : read(given.limits, 'limits');
      if (requests === null || limits === null) continue;
      if (limits < requests) {
        ctx.addIssue({
          code: 'custom',
          path: [key, 'limits'],
          message: 'below requests',
          params: { rule: 'limits_below_requests' },
        });
      } else if (!hasOwnLimit(resource) && limits !== requests) {
        // Kubernetes quotas have no separate limit for storage or GPUs.
        ctx.addIssue({
          code: 'custom',
          path: [key, 'limits'],
          message: 'no own limit',
          params: { rule: 'no_separate_limit' },
        });
      } else {
        allocation[resource] = { requests, limits };
      }
    }
    return Object.fromEntries(
      (Object.entries(allocation) as [ResourceKey, unknown][]).sort(([a], [b]) => resourceOrder(a, b)),
    ) as Allocation;
  })
  .openapi({
    description: 'Amounts per resource (`cpu`, `memory`, `gpu`, `storage:<class>`) in Kubernetes quantity notation',
    example: { cpu: { requests: '64', limits: '128' }, memory: '256Gi', 'storage:ssd': '2Ti' },
  });
