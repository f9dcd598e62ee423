import type { ZodError } from 'zod';
import type { FieldProblem } from '../../core/errors.ts';
import { isMessageKey, type Translate } from '../i18n/negotiate.ts';

/** Turns zod's issues into field problems with stable rule names the catalogs translate. */
export function zodProblems(error: ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || '(body)';
    const i = issue as unknown as Record<string, unknown>;
    const params: Record<string, string | number> = {};
    for (const k of ['minimum', 'maximum', 'expected', 'format'] as const) {
      if (typeof i[k] === 'number' || typeof i[k] === 'string' || typeof i[k] === 'bigint') params[k] = String(i[k]);
    }
    if (Array.isArray(i.values)) params.values = i.values.map(String).join(', ');
    if (Array.isArray(i.keys)) params.keys = i.keys.map(String).join(', ');
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    // A refinement names its own rule (e.g. quantity_format) through params.rule.
    const own = i.params as { rule?: unknown } | undefined;
    const rule = typeof own?.rule === 'string' ? own.rule : missing ? 'required' : issue.code;
    return { field, rule, params };
  });
}

/** The message for one field problem in the caller's language. */
export function problemMessage(t: Translate, p: FieldProblem): string {
  const key = `rule.${p.rule}`;
  return isMessageKey(key) ? t(key, p.params) : t('rule.custom');
}
