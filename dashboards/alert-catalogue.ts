import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Which alerts and recording rules exist, read from the Prometheus rule files in
 * dashboards/rules/ (`<area>.rules.yml`, one per area). The files are the single source: the
 * console lists and links alerts from this catalogue, the rule tests check each alert's
 * metadata and runbooks against it.
 */

export const rulesDirectory = fileURLToPath(new URL('./rules/', import.meta.url));

const ruleSchema = z.union([
  z.object({
    alert: z.string().min(1),
    expr: z.string().min(1),
    for: z.string().optional(),
    keep_firing_for: z.string().optional(),
    labels: z.record(z.string(), z.string()).default({}),
    annotations: z.record(z.string(), z.string()).default({}),
  }),
  z.object({
    record: z.string().min(1),
    expr: z.string().min(1),
    labels: z.record(z.string(), z.string()).optional(),
  }),
]);
const ruleFileSchema = z.object({
  groups: z.array(z.object({ name: z.string(), interval: z.string().optional(), rules: z.array(ruleSchema) })),
});

/** One alerting rule as written, with the area its file is named for. */
export type AlertRule = {
  /** From the file name: `capacity.rules.yml` → `capacity`. */
  fileArea: string;
  file: string;
  alert: string;
  expr: string;
  for?: string;
  keepFiringFor?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

export type RecordingRule = { fileArea: string; file: string; record: string; expr: string };

/** What the console and the tests need to know of an alert. */
export type CataloguedAlert = { area: string; alert: string; severity: string; summary: string };

const ruleFileSuffix = '.rules.yml';

/** The rule files of the directory, by area name. */
export function ruleFiles(dir = rulesDirectory): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(ruleFileSuffix))
    .sort()
    .map((name) => join(dir, name));
}

function readRuleFile(file: string) {
  const parsed = ruleFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a Prometheus rule file: ${z.prettifyError(parsed.error)}`);
  const fileArea = basename(file, ruleFileSuffix);
  return parsed.data.groups.flatMap((g) => g.rules.map((rule) => ({ fileArea, file, rule })));
}

/** Every alerting rule of every rule file, in file and rule order. */
export function alertRules(dir = rulesDirectory): AlertRule[] {
  return ruleFiles(dir).flatMap((file) =>
    readRuleFile(file).flatMap(({ fileArea, rule }) =>
      'alert' in rule
        ? [
            {
              fileArea,
              file,
              alert: rule.alert,
              expr: rule.expr,
              for: rule.for,
              keepFiringFor: rule.keep_firing_for,
              labels: rule.labels,
              annotations: rule.annotations,
            },
          ]
        : [],
    ),
  );
}

/** Every recording rule of every rule file. */
export function recordingRules(dir = rulesDirectory): RecordingRule[] {
  return ruleFiles(dir).flatMap((file) =>
    readRuleFile(file).flatMap(({ fileArea, rule }) =>
      'record' in rule ? [{ fileArea, file, record: rule.record, expr: rule.expr }] : [],
    ),
  );
}

/**
 * The alerts that exist: area and severity from the rule's labels (the file's area when the label
 * is missing, which the rule tests refuse), and its summary, which is plain text (no templates).
 */
export function alertCatalogue(dir = rulesDirectory): CataloguedAlert[] {
  return alertRules(dir).map((r) => ({
    area: r.labels.area ?? r.fileArea,
    alert: r.alert,
    severity: r.labels.severity ?? '',
    summary: r.annotations.summary ?? '',
  }));
}
