import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * The example Prometheus configuration an operator copies: promtool accepts it, it loads every
 * rule file beside it, scrapes the two jobs the rules and dashboards name, and sets the
 * console_url external label the alerts' runbook links are built from.
 */

const config = join(import.meta.dirname, 'prometheus.example.yml');
const promtoolMissing = spawnSync('promtool', ['--version']).error !== undefined;
if (promtoolMissing && process.env.CI) throw new Error('promtool is required in CI (apt-get install prometheus)');
if (promtoolMissing) console.warn('skipping promtool check config: promtool is not installed');

describe('dashboards/prometheus.example.yml', () => {
  it.skipIf(promtoolMissing)('passes promtool check config and loads every rule file', () => {
    const run = spawnSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    const ruleFiles = readdirSync(join(import.meta.dirname, 'rules')).filter((f) => f.endsWith('.rules.yml'));
    if (ruleFiles.length > 0) expect(output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
    for (const f of ruleFiles) expect(output).toContain(`Checking ${join(import.meta.dirname, 'rules', f)}`);
  });

  it('scrapes the console and the agents under the job names the rules use, and names the console', () => {
    const doc = parseYaml(readFileSync(config, 'utf8')) as {
      global: { external_labels: Record<string, string> };
      rule_files: string[];
      scrape_configs: { job_name: string }[];
      alerting: { alertmanagers: unknown[] };
    };
    expect(doc.scrape_configs.map((s) => s.job_name)).toEqual(['govops-console', 'govops-agents']);
    expect(doc.global.external_labels.console_url).toMatch(/^https?:\/\/[^/]+$/);
    expect(doc.rule_files).toEqual(['rules/*.rules.yml']);
    expect(doc.alerting.alertmanagers).toHaveLength(1);
  });
});
