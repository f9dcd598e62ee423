import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import type { Env } from '../http/env.ts';

const require = createRequire(import.meta.url);

/**
 * The few static files, read once at start and served from memory with long caching. htmx comes
 * from node_modules: the government networks are closed, so no CDN.
 */
export function staticFiles() {
  const files: Record<string, { body: string; type: string }> = {
    'htmx.min.js': {
      body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'),
      type: 'text/javascript; charset=utf-8',
    },
    'console.css': {
      body: readFileSync(new URL('./console.css', import.meta.url), 'utf8'),
      type: 'text/css; charset=utf-8',
    },
  };
  return new Hono<Env>().get('/static/:file', (c) => {
    const file = files[c.req.param('file')];
    if (!file) return c.notFound();
    return c.body(file.body, 200, { 'content-type': file.type, 'cache-control': 'public, max-age=3600' });
  });
}
