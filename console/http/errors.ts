import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { Conflict, DomainError, Forbidden, Invalid, Locked, NotFound, Unauthenticated } from '../../core/errors.ts';
import { isMessageKey, type Translate } from '../i18n/negotiate.ts';
import type { Logger } from '../logger.ts';
import type { Env } from './env.ts';
import { problemMessage, zodProblems } from './field-problems.ts';

/** The one mapping from domain errors to HTTP statuses. */
export function statusOf(error: unknown): ContentfulStatusCode {
  if (error instanceof Invalid || error instanceof ZodError) return 400;
  if (error instanceof Unauthenticated) return 401;
  if (error instanceof Forbidden) return 403;
  if (error instanceof NotFound) return 404;
  if (error instanceof Conflict) return 409;
  if (error instanceof Locked) return 423;
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  return 500;
}

export type ErrorBody = {
  error: {
    code: string;
    message: string;
    fields?: { field: string; rule: string; message: string }[];
    details?: unknown;
  };
};

/** The JSON error body in the caller's language. */
export function errorBody(error: unknown, t: Translate, ref: string): ErrorBody {
  if (error instanceof ZodError) return errorBody(new Invalid(zodProblems(error)), t, ref);
  if (error instanceof Invalid) {
    const fields = error.fields.map((f) => ({ field: f.field, rule: f.rule, message: problemMessage(t, f) }));
    const message = `${t('error.invalid_input')} ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`;
    return { error: { code: error.code, message, fields } };
  }
  if (error instanceof DomainError) {
    const key = `error.${error.code}`;
    const message = isMessageKey(key) ? t(key, error.params) : error.message;
    return { error: { code: error.code, message, ...(error.details === undefined ? {} : { details: error.details }) } };
  }
  if (error instanceof HTTPException && error.status === 413) {
    return { error: { code: 'payload_too_large', message: t('error.payload_too_large', { limit: '1 MiB' }) } };
  }
  if (error instanceof HTTPException && error.status === 400) {
    // Hono's validator throws this when the body does not parse as JSON.
    return { error: { code: 'bad_json', message: t('error.bad_json') } };
  }
  if (error instanceof HTTPException && error.status < 500) {
    return { error: { code: `http_${error.status}`, message: error.message } };
  }
  return { error: { code: 'internal', message: t('error.internal', { ref }) } };
}

/**
 * The app's onError: API callers get JSON, page visitors get a page (or the login form when
 * their session is gone). Only unexpected errors are logged, with a reference the user sees.
 */
export function onError(
  logger: Logger,
  renderErrorPage: (c: Context<Env>, status: number, message: string) => Response | Promise<Response>,
) {
  return (error: Error, c: Context<Env>) => {
    const status = statusOf(error);
    const ref = crypto.randomUUID().slice(0, 8);
    if (status >= 500)
      logger.error('unhandled error', { ref, route: c.req.routePath, err: error.stack ?? String(error) });
    const t = c.get('t');
    const body = errorBody(error, t, ref);
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') return c.json(body, status);
    if (status === 401) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    return renderErrorPage(c, status, body.error.message);
  };
}
