import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import QRCode from 'qrcode';
import { DomainError } from '../../core/errors.ts';
import { setSessionCookie } from '../auth/api.ts';
import type { SessionsService } from '../auth/sessions.ts';
import { totpUri } from '../auth/totp.ts';
import type { Env } from '../http/env.ts';
import { errorBody, statusOf } from '../http/errors.ts';
import { sessionCookie } from '../http/principal.ts';
import { bareLayout, fieldError } from './layout.ts';

/** Paths of the sign-in steps (they manage their own transactions and need no CSRF token). */
export const signInPaths = new Set(['/login', '/login/totp', '/login/enrol', '/logout']);

const ownOrigin = 'http://console.invalid';

/**
 * Only the console's own pages may be returned to after sign-in (no open redirect). The target
 * is resolved as a browser would — which drops tabs and newlines and reads backslashes as
 * slashes — and kept only if it stays on this origin.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > 2000) return '/';
  try {
    const url = new URL(next, ownOrigin);
    return url.origin === ownOrigin ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

/** Usernames are at most 32 characters; a longer one is cut before it reaches the audit log. */
const maxUsername = 64;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Sign-in in two steps, TOTP enrolment for new accounts, and sign-out, as forms. */
export function signInPages({ sessions, cookieSecure }: { sessions: SessionsService; cookieSecure: boolean }) {
  const passwordForm = (
    c: Context<Env>,
    opts: { username?: string; next: string; error?: string; notice?: string },
    status: ContentfulStatusCode = 200,
  ) => {
    const t = c.get('t');
    return c.html(
      bareLayout(
        c,
        t('login.title'),
        html`${opts.notice ? html`<p class="notice">${opts.notice}</p>` : ''}
<form method="post" action="/login">
  <input type="hidden" name="next" value="${opts.next}">
  <label>${t('login.username')} <input name="username" autocomplete="username" required value="${opts.username ?? ''}" autofocus></label>
  <label>${t('login.password')} <input name="password" type="password" autocomplete="current-password" required></label>
  ${fieldError(opts.error)}
  <button type="submit">${t('login.submit')}</button>
</form>`,
      ),
      status,
    );
  };

  const codeForm = (
    c: Context<Env>,
    opts: { enrol?: { secret: string; qr: string }; next: string; error?: string },
    status: ContentfulStatusCode = 200,
  ) => {
    const t = c.get('t');
    const action = opts.enrol ? '/login/enrol' : '/login/totp';
    return c.html(
      bareLayout(
        c,
        opts.enrol ? t('login.enrolTitle') : t('login.title'),
        html`${
          opts.enrol
            ? html`<p>${t('login.enrolHelp')}</p><div class="qr">${raw(opts.enrol.qr)}</div>
<p>${t('login.secret')}: <code class="secret">${opts.enrol.secret}</code></p>`
            : html`<p>${t('login.totpHelp')}</p>`
        }
<form method="post" action="${action}">
  <input type="hidden" name="next" value="${opts.next}">
  <label>${t('login.totp')} <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus></label>
  ${fieldError(opts.error)}
  <button type="submit">${t('login.verify')}</button>
</form>`,
      ),
      status,
    );
  };

  async function enrolView(c: Context<Env>) {
    const session = c.get('session');
    if (session?.stage !== 'enrol') return null;
    const resolved = await sessions.byHash(session.idHash);
    const secret = resolved?.pendingTotpSecret;
    if (!secret) return null;
    const username = session.username;
    return { secret, qr: await QRCode.toString(totpUri(secret, username), { type: 'svg', margin: 1, width: 200 }) };
  }

  const messageOf = (c: Context<Env>, e: unknown) => errorBody(e, c.get('t'), '').error.message;

  return new Hono<Env>()
    .get('/login', (c) => {
      const session = c.get('session');
      const next = safeNext(c.req.query('next'));
      if (session?.stage === 'active') return c.redirect(next, 303);
      if (session?.stage === 'password') return c.redirect(`/login/totp?next=${encodeURIComponent(next)}`, 303);
      if (session?.stage === 'enrol') return c.redirect(`/login/enrol?next=${encodeURIComponent(next)}`, 303);
      const notice = c.req.query('signedOut') ? c.get('t')('login.signedOut') : undefined;
      return passwordForm(c, { next, notice });
    })
    .post('/login', async (c) => {
      const form = await c.req.parseBody();
      const username = str(form.username).trim().slice(0, maxUsername);
      const next = safeNext(form.next);
      c.set('audit', { action: 'session.sign-in', target: `user:${username}`, detail: { username, step: 'password' } });
      try {
        const started = await sessions.signIn(username, str(form.password));
        setSessionCookie(c, started.token, cookieSecure);
        const step =
          started.stage === 'active'
            ? next
            : `/login/${started.stage === 'enrol' ? 'enrol' : 'totp'}?next=${encodeURIComponent(next)}`;
        return c.redirect(step, 303);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        return passwordForm(c, { username, next, error: messageOf(c, e) }, statusOf(e));
      }
    })
    .get('/login/totp', (c) => {
      if (c.get('session')?.stage !== 'password') return c.redirect('/login', 303);
      return codeForm(c, { next: safeNext(c.req.query('next')) });
    })
    .get('/login/enrol', async (c) => {
      const enrol = await enrolView(c);
      if (!enrol) return c.redirect('/login', 303);
      return codeForm(c, { enrol, next: safeNext(c.req.query('next')) });
    })
    .post('/login/totp', (c) => secondFactor(c, 'totp'))
    .post('/login/enrol', (c) => secondFactor(c, 'enrol'))
    .post('/logout', async (c) => {
      const session = c.get('session');
      c.set('audit', { action: 'session.sign-out', target: 'session' });
      if (session) await sessions.signOut(session.idHash);
      deleteCookie(c, sessionCookie, { path: '/' });
      return c.redirect('/login?signedOut=1', 303);
    });

  async function secondFactor(c: Context<Env>, step: 'totp' | 'enrol') {
    const session = c.get('session');
    const expected = step === 'enrol' ? 'enrol' : 'password';
    if (!session || session.stage !== expected) return c.redirect('/login', 303);
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const { username } = session;
    c.set('audit', { action: 'session.sign-in', target: `user:${username}`, detail: { username, step } });
    try {
      const token = await sessions.completeSecondFactor(session.idHash, str(form.code).slice(0, 10));
      setSessionCookie(c, token, cookieSecure);
      return c.redirect(next, 303);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const status = statusOf(e);
      // A lockout ended the half-signed-in session: back to the password step.
      if (status === 423) {
        deleteCookie(c, sessionCookie, { path: '/' });
        return passwordForm(c, { username, next, error: messageOf(c, e) }, status);
      }
      return codeForm(
        c,
        { next, error: messageOf(c, e), enrol: step === 'enrol' ? ((await enrolView(c)) ?? undefined) : undefined },
        status,
      );
    }
  }
}
