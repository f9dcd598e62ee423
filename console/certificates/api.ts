import { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';

/** The certificate inventory, its CSV export, the RA import and trust anchors. */
export function certificatesApi(_deps: Deps) {
  return new OpenAPIHono<Env>();
}
