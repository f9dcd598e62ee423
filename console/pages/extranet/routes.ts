import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';

/** The extranet pages: overview, links, link detail, agents. */
export function extranetPages(_deps: Deps) {
  return new Hono<Env>();
}
