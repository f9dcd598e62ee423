import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { Forbidden, Unauthenticated } from '../../core/errors.ts';
import { type AccountsService, passwordChange } from '../accounts/service.ts';
import type { Env } from '../http/env.ts';
import { apiArea, errorResponses, jsonOk } from '../http/openapi.ts';
import { requirePrincipal, sessionCookie } from '../http/principal.ts';
import { secretHash } from './secrets.ts';
import type { SessionsService } from './sessions.ts';
import { totpUri } from './totp.ts';

const tags = ['Session'];
const sessionState = z
  .object({
    stage: z.enum(['password', 'enrol', 'active']),
    csrfToken: z.string(),
    totpSecret: z.string().optional(),
    totpUri: z.string().optional(),
  })
  .openapi('SessionState');

const routes = {
  signIn: createRoute({
    method: 'post',
    path: '/session',
    tags,
    summary: 'Sign in with password (and TOTP code, when enrolled); sets the session cookie',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.strictObject({
              username: z.string().min(1).max(64),
              password: z.string().min(1).max(200),
              code: z.string().max(10).optional(),
            }),
          },
        },
      },
    },
    responses: {
      200: jsonOk(sessionState, 'Signed in, or the next step'),
      ...errorResponses,
      423: { description: 'Locked after failed attempts' },
    },
  }),
  secondFactor: createRoute({
    method: 'post',
    path: '/session/totp',
    tags,
    summary: 'Complete sign-in with a TOTP code (or confirm enrolment)',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.strictObject({ code: z.string().min(1).max(10) }) } },
      },
    },
    responses: {
      200: jsonOk(sessionState, 'Signed in'),
      ...errorResponses,
      423: { description: 'Locked after failed attempts' },
    },
  }),
  changePassword: createRoute({
    method: 'post',
    path: '/session/password',
    tags,
    summary: "Change the signed-in user's own password; their other sessions end",
    request: { body: { required: true, content: { 'application/json': { schema: passwordChange } } } },
    responses: { 204: { description: 'Changed' }, ...errorResponses },
  }),
  signOut: createRoute({
    method: 'delete',
    path: '/session',
    tags,
    summary: 'Sign out',
    responses: { 204: { description: 'Signed out' }, ...errorResponses },
  }),
};

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS. */
export function setSessionCookie(c: Context<Env>, token: string, secure: boolean): void {
  setCookie(c, sessionCookie, token, { path: '/', httpOnly: true, sameSite: 'Strict', secure });
}

/** JSON sign-in for scripts and tests; the pages use the same service through forms. */
export function sessionApi({
  sessions,
  accounts,
  cookieSecure,
}: {
  sessions: SessionsService;
  accounts: AccountsService;
  cookieSecure: boolean;
}) {
  return apiArea()
    .openapi(routes.signIn, async (c) => {
      const { username, password, code } = c.req.valid('json');
      c.set('audit', { action: 'session.sign-in', target: `user:${username}`, detail: { username, step: 'password' } });
      const started = await sessions.signIn(username, password);
      setSessionCookie(c, started.token, cookieSecure);
      if (started.stage === 'password' && code) {
        c.set('audit', { action: 'session.sign-in', target: `user:${username}`, detail: { username, step: 'totp' } });
        const token = await sessions.completeSecondFactor(secretHash(started.token), code);
        setSessionCookie(c, token, cookieSecure);
        return c.json({ stage: 'active' as const, csrfToken: started.csrf }, 200);
      }
      const secret = started.pendingTotpSecret;
      return c.json(
        {
          stage: started.stage,
          csrfToken: started.csrf,
          ...(secret ? { totpSecret: secret, totpUri: totpUri(secret, username) } : {}),
        },
        200,
      );
    })
    .openapi(routes.secondFactor, async (c) => {
      const session = c.get('session');
      if (!session) throw new Unauthenticated('unauthenticated');
      const { username } = session;
      const step = session.stage === 'enrol' ? 'enrol' : 'totp';
      c.set('audit', { action: 'session.sign-in', target: `user:${username}`, detail: { username, step } });
      const token = await sessions.completeSecondFactor(session.idHash, c.req.valid('json').code);
      setSessionCookie(c, token, cookieSecure);
      return c.json({ stage: 'active' as const, csrfToken: session.csrf }, 200);
    })
    .openapi(routes.changePassword, async (c) => {
      const p = requirePrincipal(c);
      c.set('audit', { action: 'user.password-change', target: `user:${p.name}` });
      // API tokens have no password to change.
      if (p.kind !== 'user') throw new Forbidden('forbidden');
      await accounts.changeOwnPassword(p.id, c.get('session')?.idHash ?? null, c.req.valid('json'));
      return c.body(null, 204);
    })
    .openapi(routes.signOut, async (c) => {
      const session = c.get('session');
      c.set('audit', { action: 'session.sign-out', target: 'session' });
      if (session) await sessions.signOut(session.idHash);
      deleteCookie(c, sessionCookie, { path: '/' });
      return c.body(null, 204);
    });
}
