import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { negotiateLang, translator } from '../i18n/negotiate.ts';
import type { Env } from './env.ts';

/** Sets the request's language: `?lang=` (remembered in a cookie), the cookie, or Accept-Language. */
export const languageMiddleware = createMiddleware<Env>(async (c, next) => {
  const asked = c.req.query('lang');
  const lang = negotiateLang(asked ?? getCookie(c, 'lang'), c.req.header('accept-language'));
  if (asked && asked === lang) setCookie(c, 'lang', lang, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400 });
  c.set('lang', lang);
  c.set('t', translator(lang));
  await next();
});
