import type { Context } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Env } from '../http/env.ts';
import { layout } from './layout.ts';

/** The page shown for an error outside the API, in the visitor's language. */
export function errorPage(c: Context<Env>, status: number, message: string): Response | Promise<Response> {
  const t = c.get('t');
  const body = html`<p class="error">${message}</p><p><a href="/">${t('common.back')}</a></p>`;
  return c.html(layout(c, { title: `${status} · ${t('error.title')}`, body }), status as ContentfulStatusCode);
}
