import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';

/** The certificate pages: inventory, expiry board, RA import, trust anchors. */
export function certificatePages(_deps: Deps) {
  return new Hono<Env>();
}
