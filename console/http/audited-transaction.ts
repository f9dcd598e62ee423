import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { DomainError, Forbidden, Locked, Unauthenticated } from '../../core/errors.ts';
import { primaryRole } from '../../core/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { Env } from './env.ts';

const reads = new Set(['GET', 'HEAD', 'OPTIONS']);
class Rollback extends Error {}

/**
 * One transaction per state-changing request, and one audit record for it. A request that
 * succeeds commits its change and its audit record together; one that fails rolls back and is
 * then audited on its own, so refused and failed attempts are on record too. Reads are audited
 * when refused or when the route asks (exports). Routes listed in `selfTransacting` (sign-in)
 * keep their own transactions because a failed attempt must still be remembered.
 */
export function auditedTransaction({
  uow,
  audit,
  selfTransacting,
}: {
  uow: UnitOfWork;
  audit: AuditService;
  selfTransacting: (path: string) => boolean;
}) {
  const record = async (c: Context<Env>) => {
    if (c.get('audit')?.unrecorded) return;
    const entry = entryFor(c);
    // A sign-in has no principal yet; record the role of the account it names, if any.
    if (!c.get('principal') && !c.get('audit')?.actor && entry.actor !== 'anonymous')
      entry.role = await roleOfUsername(uow, entry.actor);
    return audit.append(entry);
  };

  return createMiddleware<Env>(async (c, next) => {
    if (reads.has(c.req.method)) {
      await next();
      if (c.res.status === 403 || c.get('audit')?.always) await record(c);
      return;
    }
    if (selfTransacting(c.req.path)) {
      await next();
      await record(c);
      return;
    }
    let committed = false;
    try {
      await uow.inTransaction(async () => {
        await next();
        if (c.error || c.res.status >= 400) throw new Rollback();
        await record(c);
        committed = true;
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    }
    if (!committed) await record(c);
  });
}

async function roleOfUsername(uow: UnitOfWork, username: string): Promise<string> {
  const row = await uow
    .db()
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select('user_roles.role')
    .where('users.username', '=', username)
    .orderBy('user_roles.role')
    .executeTakeFirst();
  return row?.role ?? 'anonymous';
}

function entryFor(c: Context<Env>) {
  const note = c.get('audit');
  const principal = c.get('principal');
  const status = c.res.status;
  const err = c.error;
  const route = safeRoutePath(c);
  return {
    actor: principal?.name ?? note?.actor?.name ?? (note?.detail?.username as string | undefined) ?? 'anonymous',
    role: principal ? primaryRole(principal) : (note?.actor?.role ?? ('anonymous' as string)),
    action: note?.action ?? `${c.req.method} ${route}`,
    target: note?.target ?? c.req.path,
    outcome: outcomeOf(status, err),
    source: c.get('sourceAddress') ?? 'local',
    detail: {
      status,
      ...(err instanceof DomainError ? { error: err.code } : err ? { error: 'internal' } : {}),
      ...(note?.detail ?? {}),
    },
  };
}

/** The matched route template, or 'unmatched' (never the raw path: it may carry ids). */
export function safeRoutePath(c: Context<Env>): string {
  try {
    const path = routePath(c);
    return path && path !== '/*' && path !== '*' ? path : 'unmatched';
  } catch {
    return 'unmatched';
  }
}

/**
 * What happened, from the error when there was one (a refused page form may still answer with a
 * redirect to sign-in): refusals of identity or permission are 'denied', other errors 'failure'.
 */
function outcomeOf(status: number, error: unknown): 'success' | 'denied' | 'failure' {
  if (error instanceof Unauthenticated || error instanceof Forbidden || error instanceof Locked) return 'denied';
  if (error) return 'failure';
  if (status < 400) return 'success';
  return status === 401 || status === 403 || status === 423 ? 'denied' : 'failure';
}
