import { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';

/** Agents: operators manage them; agents enrol, fetch their configuration and push reports. */
export function agentsApi(_deps: Deps) {
  return new OpenAPIHono<Env>();
}
