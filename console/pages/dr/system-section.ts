import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import type { Html } from '../layout.ts';

/**
 * The DR part of a system's detail page (/systems/:code): its protection per DR site (state,
 * mode, lag, recovery point, achieved level, flags), its drills and open follow-ups. Rendered by pages/systems.
 */
export async function drSection(c: Context<Env>, deps: Deps, systemCode: string): Promise<Html> {
  void c;
  void deps;
  void systemCode;
  return html``;
}
