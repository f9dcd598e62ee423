import type { MetricFamily } from './metric-review-exposition.ts';
import { allowedLabels, type ReviewException, reviewExceptions } from './metric-review-policy.ts';

export { parseExposition, type MetricFamily, type Sample } from './metric-review-exposition.ts';

/**
 * One pass over what a `/metrics` endpoint exports, against the Prometheus naming conventions
 * (https://prometheus.io/docs/practices/naming/) and this project's rules for labels: every
 * family documented, counters and only counters ending `_total`, base units (seconds, bytes,
 * ratios 0–1) named in the metric, labels from a list whose values are known to be bounded, and
 * nothing in a label value that could identify a person.
 */

export const reviewRules = [
  'missing_help',
  'missing_type',
  'counter_without_total',
  'total_on_non_counter',
  'non_base_unit',
  'distribution_without_unit',
  'timestamp_not_in_seconds',
  'label_not_allowed',
  'personal_data_in_label',
] as const;
export type ReviewRule = (typeof reviewRules)[number];

export type ReviewProblem = { family: string; rule: ReviewRule; message: string; label?: string };

/**
 * Name segments that spell a unit other than the base one: Prometheus wants seconds, bytes and
 * ratios, so that every dashboard can divide and compare without conversions.
 */
const nonBaseUnits: Record<string, string> = {
  nanoseconds: 'seconds',
  microseconds: 'seconds',
  milliseconds: 'seconds',
  millis: 'seconds',
  ms: 'seconds',
  msec: 'seconds',
  usec: 'seconds',
  nsec: 'seconds',
  sec: 'seconds',
  secs: 'seconds',
  minute: 'seconds',
  minutes: 'seconds',
  mins: 'seconds',
  hour: 'seconds',
  hours: 'seconds',
  day: 'seconds',
  days: 'seconds',
  kilobytes: 'bytes',
  megabytes: 'bytes',
  gigabytes: 'bytes',
  kb: 'bytes',
  mb: 'bytes',
  gb: 'bytes',
  kib: 'bytes',
  mib: 'bytes',
  gib: 'bytes',
  bits: 'bytes',
  percent: 'ratio (0–1)',
  pct: 'ratio (0–1)',
};

/** Base-unit suffixes a histogram or summary must end with: what is being distributed. */
const distributionUnits = ['_seconds', '_bytes', '_ratio', '_meters', '_volts', '_amperes', '_joules', '_grams'];

/** Name segments that say the value is a point in time. */
const timeSegments = new Set(['timestamp', 'expiry', 'time']);

/** Reviews parsed families; known, justified exceptions are left out. Problems in family order. */
export function reviewMetrics(
  families: readonly MetricFamily[],
  {
    exceptions = reviewExceptions,
    labels = allowedLabels,
  }: { exceptions?: readonly ReviewException[]; labels?: ReadonlySet<string> } = {},
): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  for (const f of families) {
    for (const p of familyProblems(f, labels)) {
      if (!exceptions.some((e) => excuses(e, p))) problems.push(p);
    }
  }
  return problems;
}

function excuses(e: ReviewException, p: ReviewProblem): boolean {
  const family = typeof e.family === 'string' ? e.family === p.family : e.family.test(p.family);
  return family && e.rule === p.rule && (e.label === undefined || e.label === p.label);
}

function familyProblems(f: MetricFamily, labels: ReadonlySet<string>): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  const problem = (rule: ReviewRule, message: string, label?: string) =>
    problems.push({ family: f.name, rule, message, ...(label === undefined ? {} : { label }) });
  const segments = f.name.split('_');

  if (!f.help?.trim()) problem('missing_help', `${f.name} has no HELP text saying what it counts and in what unit`);
  if (!f.type) problem('missing_type', `${f.name} has no TYPE line`);
  if (f.type === 'counter' && !f.name.endsWith('_total')) {
    problem('counter_without_total', `counter ${f.name} should end in _total`);
  }
  if (f.type !== 'counter' && f.name.endsWith('_total')) {
    problem('total_on_non_counter', `${f.type ?? 'untyped'} ${f.name} ends in _total, which is for counters only`);
  }
  for (const s of segments) {
    const base = nonBaseUnits[s];
    if (base) problem('non_base_unit', `${f.name} is in ${s}; use the base unit, ${base}`);
  }
  if ((f.type === 'histogram' || f.type === 'summary') && !distributionUnits.some((u) => f.name.endsWith(u))) {
    problem(
      'distribution_without_unit',
      `${f.type} ${f.name} should end in its base unit (${distributionUnits.join(', ')})`,
    );
  }
  if (segments.some((s) => timeSegments.has(s)) && !f.name.endsWith('_seconds')) {
    problem(
      'timestamp_not_in_seconds',
      `${f.name} looks like a point in time: Unix seconds, named …_timestamp_seconds`,
    );
  }

  const seen = new Set<string>();
  for (const sample of f.samples) {
    for (const [label, value] of Object.entries(sample.labels)) {
      if (!labels.has(label) && !seen.has(`label ${label}`)) {
        seen.add(`label ${label}`);
        problem('label_not_allowed', `${f.name} has label ${label}, which is not on the list of bounded labels`, label);
      }
      const personal = personalDataIn(value);
      if (personal && !seen.has(`personal ${label}`)) {
        seen.add(`personal ${label}`);
        // The value itself is not repeated: the report must not spread what it found.
        problem('personal_data_in_label', `${f.name} label ${label} holds what looks like ${personal}`, label);
      }
    }
  }
  return problems;
}

/** An ASCII letter or digit on either side means the digits are part of a longer token (a hash, a code). */
const residentId = /(?<![0-9A-Za-z])\d{6}((?:19|20)\d{2})(\d{2})(\d{2})\d{3}[\dXx](?![0-9A-Za-z])/;
const mobileNumber = /(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])/;
const emailAddress = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/**
 * What kind of personal data a label value seems to hold, or null: an 18-character resident
 * identity number (GB 11643: six-digit area, a real birth date, sequence, digit or X), a mainland
 * mobile number, or an e-mail address.
 */
export function personalDataIn(value: string): string | null {
  const id = residentId.exec(value);
  if (id && isDate(Number(id[1]), Number(id[2]), Number(id[3]))) return 'a resident identity number';
  if (mobileNumber.test(value)) return 'a mobile phone number';
  if (emailAddress.test(value)) return 'an e-mail address';
  return null;
}

function isDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
