import { timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { Forbidden } from '../../core/errors.ts';
import type { Env } from './env.ts';

/**
 * Cookie-authenticated changes must carry the session's CSRF token, in the `_csrf` form field or
 * the `X-CSRF-Token` header. Bearer-token calls carry no cookie, so they cannot be forged this way.
 * Sign-in itself is exempt (a stale cookie must not block it); SameSite=Strict guards it.
 */
export const csrfMiddleware = (exempt: (path: string) => boolean) =>
  createMiddleware<Env>(async (c, next) => {
    const session = c.get('session');
    if (session && !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && !exempt(c.req.path)) {
      let sent = c.req.header('x-csrf-token');
      if (
        !sent &&
        /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(c.req.header('content-type') ?? '')
      ) {
        const form = await c.req.parseBody();
        sent = typeof form._csrf === 'string' ? form._csrf : undefined;
      }
      if (!sent || !same(sent, session.csrf)) throw new Forbidden('csrf');
    }
    await next();
  });

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
