import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';

export function systemPages(deps: Deps) {
  void deps;
  return new Hono<Env>();
}
