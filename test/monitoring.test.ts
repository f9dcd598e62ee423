import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseExposition, reviewMetrics } from '../core/metric-review.ts';
import { skipWithoutOpenssl } from './cert-factory.ts';
import { repoRoot } from './console-process.ts';
import { type DashboardJson, type PanelQuery, panelQueries, variableQueries } from './dashboard-queries.ts';
import { answeringLinks, downLinks, type MonitoredProvince, startMonitoredProvince } from './monitored-province.ts';
import {
  type AlertmanagerProcess,
  missingMonitoringTools,
  type PrometheusProcess,
  startAlertmanager,
  startPrometheus,
} from './prometheus-process.ts';

/**
 * The monitoring as an operator runs it, over the demo province on real processes
 * (test/monitored-province.ts: a console with the demo, an agent measuring loopback links and
 * scanning certificates made for the test):
 * - the metric review (core/metric-review.ts) passes on both `/metrics`, and no trace of the
 *   person holding a personal certificate appears in either;
 * - Debian's Prometheus scrapes both with the dashboards' rule files loaded: every query of every
 *   generated dashboard panel answers without error and with at least one series, every template
 *   variable has values, every rule evaluates cleanly;
 * - a down county link pages once: its alert carries the labels Alertmanager's inhibition needs,
 *   links to the console's rendered runbook, and the example Alertmanager configuration, run for
 *   real, silences the department link beneath it.
 */

const sqlite = await import('node:sqlite').catch(() => null);
const missing =
  missingMonitoringTools() ??
  (spawnSync('fping', ['--version']).status !== 0 ? 'fping is not installed' : null) ??
  (sqlite ? null : 'node:sqlite is unavailable (needs Node 24)');
if (missing && process.env.CI) throw new Error(`the monitoring test must run in CI: ${missing}`);
if (missing) console.warn(`skipping the monitoring test: ${missing}`);
const skip = missing !== null || skipWithoutOpenssl();

const rulesDir = join(repoRoot, 'dashboards', 'rules');
const generatedDir = join(repoRoot, 'dashboards', 'generated');

type RuleGroup = { file: string; rules: { name: string; type: string; health: string; lastError?: string }[] };
type PromAlert = { labels: Record<string, string>; annotations: Record<string, string>; state: string };

describe.skipIf(skip)('monitoring of the demo province', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govops-monitoring-'));
  let province: MonitoredProvince;
  let prometheus: PrometheusProcess;
  let alertmanager: AlertmanagerProcess;

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (performance.now() > deadline) {
        const tail = (text = '') => text.split('\n').slice(-10).join('\n');
        throw new Error(
          `${what}: not within ${timeoutMs} ms.\nagent:\n${tail(province?.agent.output())}` +
            `\nprometheus:\n${tail(prometheus?.output())}`,
        );
      }
      await sleep(500);
    }
  }

  /** Resolves once `expr` returns at least `atLeast` series. */
  const seriesOf = (expr: string, atLeast = 1) =>
    until(`${expr} returning ${atLeast}+ series`, async () => {
      const r = await prometheus.query(expr);
      return r.status === 'success' && r.data.result.length >= atLeast ? r.data.result : undefined;
    });

  beforeAll(async () => {
    province = await startMonitoredProvince(dir, sqlite!);
    alertmanager = await startAlertmanager(
      join(dir, 'alertmanager'),
      join(repoRoot, 'dashboards', 'alertmanager.example.yml'),
    );
    const ruleFiles = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.rules.yml'))
      .map((f) => join(rulesDir, f));
    // The console's scrape reads the store (about 27,000 samples with the demo): 5 s leaves room
    // on a loaded CI machine, and Prometheus refuses a timeout longer than the interval.
    prometheus = await startPrometheus(
      join(dir, 'prometheus'),
      JSON.stringify({
        global: {
          scrape_interval: '5s',
          scrape_timeout: '5s',
          evaluation_interval: '1s',
          external_labels: { console_url: province.console.baseUrl },
        },
        rule_files: ruleFiles,
        alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(alertmanager.url).host] }] }] },
        scrape_configs: [
          { job_name: 'govops-console', static_configs: [{ targets: [`127.0.0.1:${province.console.port}`] }] },
          { job_name: 'govops-agents', static_configs: [{ targets: [province.agentMetrics] }] },
        ],
      }),
    );

    // Data to show: both targets up, usage read back from every site, links measured and joined
    // with the console's link info, certificates scanned, the agent seen by the console.
    await seriesOf('up == 1', 2);
    await seriesOf('govops_site_usage_read_success == 1', province.sites.length);
    await seriesOf('govops_department_quota_used_ratio > 0.9');
    for (const target of answeringLinks) await seriesOf(`link:probe_success:labelled{target="${target}"} == 1`);
    await seriesOf('probe_http_duration_seconds');
    await seriesOf('gov_cert_personal_certificates');
    await seriesOf('probe_ssl_earliest_cert_expiry');
    await seriesOf('govops_agent_last_seen_timestamp_seconds');
    await seriesOf('govops_department_certificates{family="rsa"} > 0');
    // Rates over a minute need two samples of every series.
    await seriesOf('rate(extranet_link_rtt_seconds_count[1m]) > 0');
  }, 180_000);

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
    await province?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const dashboards = (): DashboardJson[] =>
    readdirSync(generatedDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(generatedDir, f), 'utf8')) as DashboardJson);

  it('finds no problem in either /metrics, and no trace of a person', async () => {
    const read = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text();
    const outputs = {
      console: await read(`${province.console.baseUrl}/metrics`),
      agent: await read(`http://${province.agentMetrics}/metrics`),
    };
    const { person } = province.pki;
    for (const [who, text] of Object.entries(outputs)) {
      expect(reviewMetrics(parseExposition(text)), `${who} /metrics`).toEqual([]);
      for (const trace of [person.name, person.idNumber, person.email]) expect(text, who).not.toContain(trace);
    }
    // What the rules join on: the measured link placed under its county, city and the backbone.
    const info = parseExposition(outputs.console)
      .flatMap((f) => f.samples)
      .find((s) => s.name === 'govops_extranet_link_info' && s.labels.target === downLinks.department);
    expect(info?.labels).toMatchObject({
      class: 'department',
      county_link: downLinks.county,
      city_link: province.parents.city,
      backbone_link: expect.any(String),
    });
  });

  it('answers every query of every dashboard panel with data', async () => {
    const all = dashboards();
    expect(all.map((d) => d.title)).toHaveLength(5);
    const queries = all.flatMap(panelQueries);
    expect(queries.length).toBeGreaterThan(30);
    const problem = async (q: PanelQuery) => {
      const r = await prometheus.query(q.expr);
      if (r.status !== 'success') return `error: ${r.errorType}: ${r.error}`;
      return r.data.result.length === 0 ? 'no series' : null;
    };
    // A scrape that times out on a loaded machine leaves that target's series stale until the
    // next one: a query that finds nothing is asked again after two more scrapes before it fails.
    let failing = queries;
    const failures = new Map<PanelQuery, string>();
    for (let attempt = 0; attempt < 3 && failing.length; attempt++) {
      if (attempt > 0) await sleep(11_000);
      failures.clear();
      for (const q of failing) {
        const why = await problem(q);
        if (why) failures.set(q, why);
      }
      failing = [...failures.keys()];
    }
    const scrapes = await prometheus.query('scrape_duration_seconds');
    const report = [...failures].map(([q, why]) => `${q.dashboard} › ${q.panel} (${q.refId}): ${q.expr}\n  ${why}`);
    const context = scrapes.data.result.map((s) => `${s.metric.job} scrape ${s.value[1]} s`).join(', ');
    expect(report, `${report.join('\n')}\n(${context})`).toEqual([]);
  }, 90_000);

  it('offers values for every template variable', async () => {
    const failures: string[] = [];
    for (const d of dashboards()) {
      for (const v of variableQueries(d)) {
        const match = v.match ? `?match[]=${encodeURIComponent(v.match.replace(/\$\w+/g, '.*'))}` : '';
        const r = await prometheus.api<string[]>(`label/${v.label}/values${match}`);
        if (r.status !== 'success' || r.data.length === 0) failures.push(`${d.title} › $${v.variable}: no values`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('loads every rule file and evaluates every rule without error', async () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.rules.yml'));
    const declared = files.flatMap((f) => {
      const doc = parseYaml(readFileSync(join(rulesDir, f), 'utf8')) as {
        groups: { rules: { alert?: string; record?: string }[] }[];
      };
      return doc.groups.flatMap((g) => g.rules.map((r) => r.alert ?? r.record!));
    });
    // Every rule has been evaluated at least once (health leaves "unknown") before judging.
    const groups = await until('every rule evaluated', async () => {
      const r = await prometheus.api<{ groups: RuleGroup[] }>('rules');
      const rules = r.data.groups.flatMap((g) => g.rules);
      return rules.length && rules.every((rule) => rule.health !== 'unknown') ? r.data.groups : undefined;
    });
    expect(new Set(groups.map((g) => g.file.split('/').pop()))).toEqual(new Set(files));
    expect(groups.flatMap((g) => g.rules.map((r) => r.name)).sort()).toEqual([...declared].sort());
    const broken = groups.flatMap((g) =>
      g.rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`),
    );
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('pages once for a down county link: the department link beneath it is inhibited', async () => {
    const active = (name: string, target: string) =>
      until(`${name} for ${target}`, async () => {
        const r = await prometheus.api<{ alerts: PromAlert[] }>('alerts');
        return r.data.alerts.find((a) => a.labels.alertname === name && a.labels.target === target);
      });
    const upstream = await active('ExtranetUpstreamLinkDown', downLinks.county);
    const below = await active('ExtranetLinkDown', downLinks.department);
    expect(upstream.labels).toMatchObject({ class: 'county', county_link: downLinks.county, severity: 'critical' });
    expect(below.labels).toMatchObject({ class: 'department', county_link: downLinks.county });
    expect(below.labels.city_link).toBe(upstream.labels.city_link);

    // The runbook link leads to the console, which serves that runbook.
    const runbook = `${province.console.baseUrl}/runbooks/extranet/ExtranetUpstreamLinkDown`;
    expect(upstream.annotations.runbook_url).toBe(runbook);
    const res = await fetch(runbook, { redirect: 'manual' });
    await res.arrayBuffer();
    expect([200, 302, 303]).toContain(res.status);

    // Both reach the real Alertmanager firing (the test does not wait out `for`): only the
    // upstream link pages.
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 300_000).toISOString();
    const post = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        [upstream, below].map((a) => ({ labels: a.labels, annotations: a.annotations, startsAt, endsAt })),
      ),
    });
    expect(post.status).toBe(200);
    type AmAlert = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };
    const states = await until('Alertmanager to judge both alerts', async () => {
      const res = await fetch(`${alertmanager.url}/api/v2/alerts`);
      const alerts = (await res.json()) as AmAlert[];
      const byTarget = new Map(alerts.map((a) => [a.labels.target, a.status]));
      const child = byTarget.get(downLinks.department);
      return byTarget.get(downLinks.county) && child?.state === 'suppressed' ? byTarget : undefined;
    });
    expect(states.get(downLinks.county)).toMatchObject({ state: 'active', inhibitedBy: [] });
    expect(states.get(downLinks.department)!.inhibitedBy).toHaveLength(1);
  });

  it('links every active alert to a runbook the repository has', async () => {
    const r = await prometheus.api<{ alerts: PromAlert[] }>('alerts');
    expect(r.data.alerts.length).toBeGreaterThan(0);
    for (const alert of r.data.alerts) {
      const url = alert.annotations.runbook_url ?? '';
      expect(url.startsWith(`${province.console.baseUrl}/runbooks/`), `${alert.labels.alertname}: ${url}`).toBe(true);
      const path = url.slice(`${province.console.baseUrl}/`.length);
      expect(readFileSync(join(repoRoot, `${path}.md`), 'utf8')).toContain(`# ${alert.labels.alertname}`);
    }
  });
});
