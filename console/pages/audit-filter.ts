import type { Context } from 'hono';
import type { FieldProblem } from '../../core/errors.ts';
import type { AuditFilter } from '../audit/service.ts';
import type { Env } from '../http/env.ts';
import { oneOf } from './list-links.ts';

export const outcomes = ['success', 'failure', 'denied'] as const;

/** The audit filters as typed in the form: dates are whole UTC days, both ends included. */
export type AuditFilterForm = { actor: string; action: string; outcome: string; from: string; to: string };

const day = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 86_400_000;

/** Midnight UTC starting a day, or null when the text is not a real date. */
function startOfDay(text: string): Date | null {
  if (!day.test(text)) return null;
  const at = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== text ? null : at;
}

/**
 * Reads the filter form from the URL into the service's filter. Dates become ISO instants: `from`
 * its day's first moment, `to` the next day's (the service's upper bound is exclusive), so a
 * one-day range shows that whole day.
 */
export function readAuditFilter(c: Context<Env>): {
  form: AuditFilterForm;
  filter: AuditFilter;
  problems: FieldProblem[];
} {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max);
  const form: AuditFilterForm = {
    actor: text('actor', 64),
    action: text('action', 100),
    outcome: oneOf(outcomes, c.req.query('outcome')) ?? '',
    from: text('from', 10),
    to: text('to', 10),
  };
  const problems: FieldProblem[] = [];
  const from = form.from ? startOfDay(form.from) : null;
  const to = form.to ? startOfDay(form.to) : null;
  if (form.from && !from) problems.push({ field: 'from', rule: 'invalid_format' });
  if (form.to && !to) problems.push({ field: 'to', rule: 'invalid_format' });
  const filter: AuditFilter = {
    actor: form.actor || undefined,
    action: form.action || undefined,
    outcome: oneOf(outcomes, form.outcome),
    from: from?.toISOString(),
    to: to ? new Date(to.getTime() + dayMs).toISOString() : undefined,
  };
  return { form, filter, problems };
}
