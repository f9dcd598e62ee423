import { Hono } from 'hono';
import type { Deps } from './deps.ts';
import type { Env } from './http/env.ts';
import { currentSchemaVersion, latestSchemaVersion } from './store/migrate.ts';

/**
 * Endpoints for the platform rather than for people: liveness, readiness (the store answers and
 * carries this build's schema) and Prometheus metrics. No session needed, nothing audited.
 */
export function opsRoutes({ uow, registry, logger }: Pick<Deps, 'uow' | 'registry' | 'logger'>) {
  return new Hono<Env>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      try {
        const version = await currentSchemaVersion(uow.root as never);
        if (version !== latestSchemaVersion)
          return c.json({ status: 'migrations pending', schema: version, expected: latestSchemaVersion }, 503);
        return c.json({ status: 'ready', schema: version });
      } catch (e) {
        logger.warn('readiness check failed', { err: (e as Error).message });
        return c.json({ status: 'store unreachable' }, 503);
      }
    })
    .get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
}
