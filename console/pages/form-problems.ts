import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, Invalid } from '../../core/errors.ts';
import type { Env } from '../http/env.ts';
import { errorBody, statusOf } from '../http/errors.ts';
import { problemMessage } from '../http/field-problems.ts';

/** What a form shows after a refused submission: messages beside fields, the rest above the form. */
export type FormProblems = {
  status: ContentfulStatusCode;
  fields: Record<string, string>;
  general: string[];
};

export const noProblems: FormProblems = { status: 200, fields: {}, general: [] };

/**
 * Turns a service's domain error into messages for a form, in the page's language, with the
 * status the API would give (400, 409…). Errors a form cannot help with — not signed in, not
 * allowed, not found, or a fault of ours — propagate to the error page instead.
 * `conflictField` places codes of Conflict errors (e.g. username_taken) beside their field.
 */
export function formProblems(
  c: Context<Env>,
  error: unknown,
  formFields: readonly string[],
  conflictField: Record<string, string> = {},
): FormProblems {
  if (!(error instanceof DomainError)) throw error;
  const status = statusOf(error);
  if (status === 401 || status === 403 || status === 404) throw error;
  const t = c.get('t');
  const problems: FormProblems = { status, fields: {}, general: [] };
  if (error instanceof Invalid) {
    problems.general.push(t('error.invalid_input'));
    for (const f of error.fields) {
      // zod names array items `roles.0`; the form has one control for them.
      const field = f.field.split('.')[0] ?? f.field;
      const message = problemMessage(t, f);
      if (formFields.includes(field)) problems.fields[field] ??= message;
      else problems.general.push(`${f.field}: ${message}`);
    }
    return problems;
  }
  const message = errorBody(error, t, '').error.message;
  const field = conflictField[error.code];
  if (field && formFields.includes(field)) problems.fields[field] = message;
  else problems.general.push(message);
  return problems;
}

/** A form value as a string (file uploads and missing fields read as empty). */
export function formText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Blank answers are "not given", so the service reports them as required rather than too short. */
export function givenOrUndefined(value: string): string | undefined {
  return value.trim() === '' ? undefined : value;
}
