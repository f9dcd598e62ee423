import { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';

/** Links, their state and history, the overview, per-class thresholds. */
export function extranetApi(_deps: Deps) {
  return new OpenAPIHono<Env>();
}
