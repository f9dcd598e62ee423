import { createMiddleware } from 'hono/factory';
import { Histogram, type Registry } from 'prom-client';
import { safeRoutePath } from '../http/audited-transaction.ts';
import type { Env } from '../http/env.ts';

/**
 * Request duration by route template, method and status class. Labels stay bounded: a template
 * ('/api/v1/departments/:code'), never a raw path; '2xx' rather than every status.
 */
export function httpMetricsMiddleware(registry: Registry) {
  const duration = new Histogram({
    name: 'govops_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route template, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return createMiddleware<Env>(async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      duration.observe(
        { route: safeRoutePath(c), method: c.req.method, status_class: `${Math.floor(c.res.status / 100)}xx` },
        (performance.now() - start) / 1000,
      );
    }
  });
}
