import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { alertCatalogue, alertRules, ruleFiles, rulesDirectory } from './alert-catalogue.ts';
import { runbookProblems } from './rules/runbook-coverage.ts';

/**
 * The alert rules as Prometheus and Alertmanager will take them (promtool, amtool), their unit
 * tests, and what an operator paged at night relies on: every alert says how bad and where, and
 * leads to a runbook in English and Chinese.
 */

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const runbooksRoot = join(repo, 'runbooks');
const alertmanagerConfig = join(repo, 'dashboards', 'alertmanager.example.yml');
const testFiles = readdirSync(rulesDirectory)
  .filter((name) => name.endsWith('.test.yml'))
  .sort()
  .map((name) => join(rulesDirectory, name));

function run(tool: string, args: string[]) {
  const r = spawnSync(tool, args, { cwd: repo, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${tool} ${args.join(' ')}\n${r.error?.message ?? ''}${r.stdout}${r.stderr}` };
}
const missingTools = ['promtool', 'amtool'].filter((tool) => spawnSync(tool, ['--version']).error);
if (missingTools.length && process.env.CI) throw new Error(`the rule tests must run in CI: ${missingTools} not found`);
if (missingTools.length) console.warn(`skipping promtool/amtool checks: ${missingTools.join(', ')} not installed`);

describe.skipIf(missingTools.length > 0)('Prometheus and Alertmanager accept the files', () => {
  it.each(ruleFiles().map((f) => [basename(f), f]))('promtool check rules %s', (_name, file) => {
    const { ok, output } = run('promtool', ['check', 'rules', file]);
    expect(ok, output).toBe(true);
  });
  it.each(testFiles.map((f) => [basename(f), f]))('promtool test rules %s', (_name, file) => {
    const { ok, output } = run('promtool', ['test', 'rules', file]);
    expect(ok, output).toBe(true);
  });
  it('amtool check-config alertmanager.example.yml', () => {
    const { ok, output } = run('amtool', ['check-config', alertmanagerConfig]);
    expect(ok, output).toBe(true);
  });
});

type AlertTestCase = { alertname: string; exp_alerts?: unknown[] };
type TestFile = { rule_files?: string[]; tests?: { alert_rule_test?: AlertTestCase[] }[] };

it('every rule file is loaded by a promtool test file', () => {
  const tested = new Set(
    testFiles.flatMap((file) =>
      ((parse(readFileSync(file, 'utf8')) as TestFile).rule_files ?? []).map((f) => join(dirname(file), f)),
    ),
  );
  expect(ruleFiles().filter((f) => !tested.has(f))).toEqual([]);
});

describe('every alert', () => {
  const alerts = alertRules();

  it('exists once, in the rule file of its area', () => {
    expect(alerts.length).toBeGreaterThan(0);
    const names = alerts.map((a) => a.alert);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(alerts.filter((a) => a.labels.area !== a.fileArea).map((a) => `${a.alert} in ${a.fileArea}`)).toEqual([]);
  });

  it('has a firing and a non-firing case in the promtool tests', () => {
    const cases = testFiles.flatMap((file) =>
      ((parse(readFileSync(file, 'utf8')) as TestFile).tests ?? []).flatMap((t) => t.alert_rule_test ?? []),
    );
    const firing = new Set(cases.filter((c) => c.exp_alerts?.length).map((c) => c.alertname));
    const quiet = new Set(cases.filter((c) => !c.exp_alerts?.length).map((c) => c.alertname));
    const gaps = alerts.flatMap(({ alert }) => [
      ...(firing.has(alert) ? [] : [`${alert}: no case where it fires`]),
      ...(quiet.has(alert) ? [] : [`${alert}: no case where it stays quiet`]),
    ]);
    expect(gaps).toEqual([]);
  });

  it('says how bad, what and where: severity, area, summary, description and its runbook_url', () => {
    const problems = alerts.flatMap((a) => {
      const url = `{{ $externalLabels.console_url }}/runbooks/${a.fileArea}/${a.alert}`;
      return [
        ...(['critical', 'warning', 'info'].includes(a.labels.severity ?? '') ? [] : ['severity']),
        ...(a.labels.area ? [] : ['area label']),
        ...(a.annotations.summary?.trim() ? [] : ['summary']),
        // The console lists alerts by their summary, where a template would show unexpanded.
        ...(a.annotations.summary?.includes('{{') ? ['summary is a template'] : []),
        // The description must carry the specifics: at least one label or the value.
        ...(/\{\{[^}]*\$(labels|value)/.test(a.annotations.description ?? '') ? [] : ['description with values']),
        ...(a.annotations.runbook_url === url ? [] : [`runbook_url ${url}`]),
      ].map((what) => `${a.alert}: ${what}`);
    });
    expect(problems).toEqual([]);
  });

  it('leads to both runbooks, each with its four headings, and no runbook lacks its alert', () => {
    expect(runbookProblems(alertCatalogue(), runbooksRoot)).toEqual([]);
  });
});

describe('the runbook check', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  /** A runbooks folder holding the given files. */
  const fixture = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'runbooks-'));
    roots.push(root);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return root;
  };
  const en = (alert: string, headings = ['Meaning', 'Impact', 'Diagnosis', 'Mitigation'], body = 'Text.') =>
    `# ${alert}\n\nOne sentence.\n\n${headings.map((h) => `## ${h}\n\n${body}\n`).join('\n')}`;
  const zh = (alert: string) => `# ${alert}\n\n一句话。\n\n## 含义\n\n## 影响\n\n## 诊断\n\n## 处置\n`;

  it('accepts complete runbooks, with `##` lines inside code blocks and a README at the root', () => {
    const root = fixture({
      'README.md': '# Runbooks\n',
      'capacity/SiteUsageReadFailing.md': en('SiteUsageReadFailing', undefined, '```sh\n## not a heading\n```'),
      'capacity/SiteUsageReadFailing.zh-CN.md': zh('SiteUsageReadFailing'),
    });
    expect(runbookProblems([{ area: 'capacity', alert: 'SiteUsageReadFailing' }], root)).toEqual([]);
  });

  it('names a missing runbook, headings out of order or missing, a wrong title and an orphan', () => {
    const root = fixture({
      'dr/DrDrillOverdue.md': en('DrDrillOverdue', ['Meaning', 'Diagnosis', 'Impact', 'Mitigation']),
      'dr/DrTargetNotMet.md': en('DrTargetNotMet', ['Meaning', 'Impact', 'Diagnosis']),
      'dr/DrTargetNotMet.zh-CN.md': zh('DrTargetNotMt'),
      'dr/DrOldName.md': en('DrOldName'),
    });
    const alerts = [
      { area: 'dr', alert: 'DrDrillOverdue' },
      { area: 'dr', alert: 'DrTargetNotMet' },
    ];
    const problems = runbookProblems(alerts, root).map((p) => p.slice(p.indexOf('dr/')));
    expect(problems.sort()).toEqual([
      'dr/DrDrillOverdue.md: ## headings are [Meaning, Diagnosis, Impact, Mitigation], expected [Meaning, Impact, Diagnosis, Mitigation] in this order',
      'dr/DrDrillOverdue.zh-CN.md: missing (runbook of alert DrDrillOverdue, zh-CN)',
      'dr/DrOldName.md: no alert of that area and name',
      'dr/DrTargetNotMet.md: ## headings are [Meaning, Impact, Diagnosis], expected [Meaning, Impact, Diagnosis, Mitigation] in this order',
      'dr/DrTargetNotMet.zh-CN.md: first line is "# DrTargetNotMt", expected "# DrTargetNotMet"',
    ]);
  });
});
