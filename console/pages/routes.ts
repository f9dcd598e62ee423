import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { homePage } from './home.ts';
import { signInPages } from './sign-in.ts';
import { staticFiles } from './static.ts';

export { signInPaths } from './sign-in.ts';

/** Every server-rendered page. */
export function pages(deps: Deps) {
  return new Hono<Env>()
    .route('/', staticFiles())
    .route('/', signInPages({ sessions: deps.sessions, cookieSecure: deps.config.cookieSecure }))
    .route('/', homePage(deps));
}
