import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import type { Html } from '../layout.ts';

/**
 * The migration part of a system's detail page (/systems/:code): its requests, the current one's
 * state, wave and allowed actions, and the whole history. Rendered by pages/systems.
 */
export async function migrationSection(c: Context<Env>, deps: Deps, systemCode: string): Promise<Html> {
  void c;
  void deps;
  void systemCode;
  return html``;
}
