import { createMiddleware } from 'hono/factory';
import { requirePermission } from '../../core/principal.ts';
import type { Permission } from '../../core/roles.ts';
import type { Env } from './env.ts';
import { requirePrincipal } from './principal.ts';

/**
 * Route middleware that demands a permission before anything else runs, validation included,
 * so a caller without the right learns nothing from the route but 401/403.
 */
export function needs(permission: Permission) {
  return createMiddleware<Env>(async (c, next) => {
    requirePermission(requirePrincipal(c), permission);
    await next();
  });
}
