import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';
import { knownAlerts } from './known-alerts.ts';
import { runbooksRoot } from './runbook-library.ts';

const rulesDir = join(runbooksRoot, '..', 'dashboards', 'rules');
const headings = { en: ['Meaning', 'Impact', 'Diagnosis', 'Mitigation'], 'zh-CN': ['含义', '影响', '诊断', '处置'] };

/** The runbook files in the repository, read here on their own rather than through the library. */
function repositoryRunbooks(): { area: string; alert: string; langs: ('en' | 'zh-CN')[] }[] {
  if (!existsSync(runbooksRoot)) return [];
  return readdirSync(runbooksRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const files = readdirSync(join(runbooksRoot, d.name)).filter((f) => f.endsWith('.md') && !f.startsWith('README'));
      const alerts = [...new Set(files.map((f) => f.replace(/(\.zh-CN)?\.md$/, '')))];
      return alerts.map((alert) => ({
        area: d.name,
        alert,
        langs: [
          ...(files.includes(`${alert}.md`) ? (['en'] as const) : []),
          ...(files.includes(`${alert}.zh-CN.md`) ? (['zh-CN'] as const) : []),
        ],
      }));
    });
}

type AlertRule = { alert: string; labels: { area: string; severity: string }; annotations: { runbook_url: string } };

/** Every alerting rule in dashboards/rules/*.rules.yml. */
function alertRules(): AlertRule[] {
  if (!existsSync(rulesDir)) return [];
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith('.rules.yml'))
    .flatMap((f) => {
      const doc = parse(readFileSync(join(rulesDir, f), 'utf8')) as { groups: { rules: Partial<AlertRule>[] }[] };
      return doc.groups.flatMap((g) => g.rules.filter((r): r is AlertRule => typeof r.alert === 'string'));
    });
}

/**
 * The console over the repository's own runbooks, as operators will reach them: from the
 * navigation, the index, and the runbook_url of every alert rule.
 */
describe('the repository’s runbooks in the console', () => {
  let t: TestConsole;
  let netops: Session;
  let dept: Session;
  const runbooks = repositoryRunbooks();
  const rules = alertRules();
  const page = async (path: string, session: Session | null, lang = 'en') => {
    const res = session ? await t.visit(path, session, lang) : await t.request(path);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  };

  beforeAll(async () => {
    t = await testConsole();
    netops = await t.signIn('netops', ['network-operator']);
    dept = await t.signIn('hf-office', ['department-user'], '340100-001');
  });
  afterAll(() => t.dispose());

  it('offers Runbooks in the navigation to staff, not to department users', async () => {
    const nav = (text: string) => text.slice(text.indexOf('<nav>'), text.indexOf('</nav>'));
    expect(nav((await page('/', netops)).text)).toContain('<a href="/runbooks">Runbooks</a>');
    expect(nav((await page('/', netops, 'zh-CN')).text)).toContain('<a href="/runbooks">处置手册</a>');
    expect(nav((await page('/runbooks', netops)).text)).toContain('<a href="/runbooks" aria-current="page">');
    expect(nav((await page('/', dept)).text)).not.toContain('/runbooks');
  });

  it('lists every runbook of every area present under runbooks/', async () => {
    if (runbooks.length === 0 && !process.env.CI) {
      console.log('skipped: runbooks/ holds no runbook yet');
      return;
    }
    const index = await page('/runbooks', netops);
    expect(index.status).toBe(200);
    for (const area of new Set(runbooks.map((r) => r.area))) expect(index.text).toContain(`id="area-${area}"`);
    for (const r of runbooks) expect(index.text).toContain(`href="/runbooks/${r.area}/${r.alert}"`);
  });

  it('renders every runbook with its four headings in English and in Chinese', async () => {
    for (const r of runbooks) {
      for (const lang of ['en', 'zh-CN'] as const) {
        const res = await page(`/runbooks/${r.area}/${r.alert}`, netops, lang);
        expect(res.status, `${r.area}/${r.alert}`).toBe(200);
        const shown = r.langs.includes(lang) ? lang : r.langs[0]!;
        const found = [...res.text.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
        expect(found, `${r.area}/${r.alert} (${lang})`).toEqual(headings[shown]);
        expect(res.text).toContain(`<article class="runbook" lang="${shown}">`);
      }
    }
  });

  it('has a runbook in both languages for every alert the console links to', () => {
    if (runbooks.length === 0 && !process.env.CI) {
      console.log('skipped: runbooks/ holds no runbook yet');
      return;
    }
    const missing = Object.entries(knownAlerts).flatMap(([area, alerts]) =>
      Object.keys(alerts)
        .filter((alert) => runbooks.find((r) => r.area === area && r.alert === alert)?.langs.length !== 2)
        .map((alert) => `${area}/${alert}`),
    );
    expect(missing).toEqual([]);
  });

  it('knows the alerts of the rules with their severities, and serves each rule’s runbook_url', async () => {
    if (rules.length === 0 && !process.env.CI) {
      console.log('skipped: dashboards/rules holds no alert rule yet');
      return;
    }
    const fromRules: Record<string, Record<string, string>> = {};
    for (const r of rules) (fromRules[r.labels.area] ??= {})[r.alert] = r.labels.severity;
    expect(fromRules).toEqual(knownAlerts);
    for (const r of rules) {
      const path = r.annotations.runbook_url.replace('{{ $externalLabels.console_url }}', '');
      expect(path).toBe(`/runbooks/${r.labels.area}/${r.alert}`);
      expect((await page(path, netops)).status, path).toBe(200);
    }
  });

  it('answers traversal attempts with the not-found page and sends visitors to sign in', async () => {
    for (const path of [
      '/runbooks/..%2F..%2Fetc/passwd',
      '/runbooks/extranet/..%2Fx',
      '/runbooks/extranet/..%2F..%2FREADME',
    ]) {
      const res = await page(path, netops);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('root:');
    }
    const away = await page('/runbooks/extranet/ExtranetLinkDown', null);
    expect(away.status).toBe(303);
    expect(away.location).toBe('/login?next=%2Frunbooks%2Fextranet%2FExtranetLinkDown');
  });
});
