import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { Unauthenticated } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { AccountsService } from '../accounts/service.ts';
import { isAgentCredential } from '../agents/credentials.ts';
import type { SessionsService } from '../auth/sessions.ts';
import type { Env } from './env.ts';

export const sessionCookie = 'govops_session';

/**
 * Works out who is calling: a bearer token (automation) or a session cookie (people). Nothing is
 * refused here; routes demand what they need through `requirePrincipal`.
 */
export function principalMiddleware({
  accounts,
  sessions,
  trustProxy,
}: {
  accounts: AccountsService;
  sessions: SessionsService;
  trustProxy: boolean;
}) {
  return createMiddleware<Env>(async (c, next) => {
    c.set('sourceAddress', sourceAddress(c, trustProxy));
    c.set('principal', null);
    c.set('session', null);
    c.set('audit', null);
    const auth = c.req.header('authorization');
    if (auth?.startsWith('Bearer ')) {
      const bearer = auth.slice(7).trim();
      // An agent's credential is no person's token: only the agent routes accept it (agents/agent-auth.ts).
      if (!isAgentCredential(bearer)) c.set('principal', await accounts.authenticateToken(bearer));
    } else {
      const token = getCookie(c, sessionCookie);
      const session = token ? await sessions.resolve(token) : null;
      if (session) {
        c.set('session', {
          username: session.username,
          idHash: session.idHash,
          userId: session.userId,
          stage: session.stage,
          csrf: session.csrf,
        });
        c.set('principal', session.principal);
      }
    }
    await next();
  });
}

/** The signed-in principal, or Unauthenticated (401, or the login page for browsers). */
export function requirePrincipal(c: Context<Env>): Principal {
  const p = c.get('principal');
  if (!p) throw new Unauthenticated('unauthenticated');
  return p;
}

function sourceAddress(c: Context<Env>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}
