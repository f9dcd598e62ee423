import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dashboardFileText, dataPanels, govopsDashboards } from './dashboard-catalogue.ts';
import { prometheusUid } from './datasource.ts';
import { generatedDir } from './generate.ts';

/**
 * The committed JSON is what Grafana provisions, so it must be what the code builds; and every
 * panel must be one an operator can read: a title, a description, a unit, and a Prometheus query
 * on the provisioned datasource that uses only variables the dashboard defines.
 */

const dashboards = govopsDashboards();

/** Which filters each dashboard offers, from the labels its series carry. */
const expectedVariables: Record<string, string[]> = {
  'govops-cloud-capacity': ['site'],
  'govops-extranet-links': ['level', 'city'],
  'govops-certificates': [],
  'govops-migration-dr': ['site'],
  'govops-console-agents': ['site'],
};

/** Variables Grafana itself provides in queries. */
const builtins = new Set(['__rate_interval', '__interval', '__range', '__range_s']);

describe('generated dashboards', () => {
  it('builds the five dashboards, each once', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(Object.keys(expectedVariables).sort());
  });

  it.each(dashboards.map((d) => [d.file, d] as const))('dashboards/generated/%s is up to date', (file, d) => {
    let committed: string | null = null;
    try {
      committed = readFileSync(join(generatedDir, file), 'utf8');
    } catch {
      // missing: reported below with the same advice as a stale file
    }
    const stale = `dashboards/generated/${file} is ${committed === null ? 'missing' : 'stale'}: run npm run dashboards and commit the result`;
    expect(committed, stale).toBe(dashboardFileText(d.json));
  });

  it('leaves no JSON in dashboards/generated that no dashboard builds', () => {
    const built = new Set(dashboards.map((d) => d.file));
    const orphans = readdirSync(generatedDir).filter((f) => f.endsWith('.json') && !built.has(f));
    expect(orphans, `remove ${orphans.join(', ')} (npm run dashboards does)`).toEqual([]);
  });

  it('writes the same bytes when built twice', () => {
    const again = govopsDashboards();
    expect(again.map((d) => dashboardFileText(d.json))).toEqual(dashboards.map((d) => dashboardFileText(d.json)));
  });
});

describe.each(dashboards.map((d) => [d.uid, d] as const))('dashboard %s', (uid, d) => {
  const variables = d.json.templating?.list ?? [];

  it('offers the expected filters, each listing label values and an "All" of .*', () => {
    expect(variables.map((v) => v.name)).toEqual(expectedVariables[uid]);
    for (const v of variables) {
      expect(v.type, v.name).toBe('query');
      expect(String(v.query), v.name).toMatch(/^label_values\(\w+, \w+\)$/);
      expect(v.datasource?.uid, v.name).toBe(prometheusUid);
      expect(v.includeAll, v.name).toBe(true);
      expect(v.allValue, v.name).toBe('.*');
    }
  });

  it('gives every panel a title, a description and a unit', () => {
    const panels = dataPanels(d.json);
    expect(panels.length).toBeGreaterThan(3);
    for (const p of panels) {
      expect(p.title?.trim(), `panel ${p.id}`).toBeTruthy();
      expect(p.description?.trim(), p.title).toBeTruthy();
      expect(p.fieldConfig?.defaults?.unit, p.title).toBeTruthy();
    }
  });

  it('has unique panel titles and ids', () => {
    const panels = dataPanels(d.json);
    expect(new Set(panels.map((p) => p.title)).size).toBe(panels.length);
    const ids = (d.json.panels ?? []).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries the provisioned Prometheus in every panel, with variables the dashboard defines', () => {
    const defined = new Set(variables.map((v) => v.name));
    for (const p of dataPanels(d.json)) {
      expect(p.targets?.length, `${p.title} has no query`).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        const q = t as { datasource?: { uid?: string; type?: string }; expr?: string; refId?: string };
        const where = `${p.title} (${q.refId}): ${q.expr}`;
        expect(q.datasource, where).toEqual({ type: 'prometheus', uid: prometheusUid });
        expect(q.expr?.trim(), where).toBeTruthy();
        expect(q.refId, where).toMatch(/^[A-Z]$/);
        const used = [...(q.expr ?? '').matchAll(/\$(\w+)/g)].map((m) => m[1]!);
        expect(
          used.filter((name) => !builtins.has(name) && !defined.has(name)),
          where,
        ).toEqual([]);
        // A rate over Grafana's step misses samples at short steps; $__rate_interval never does.
        expect(q.expr, where).not.toMatch(/\[\$__interval\]/);
      }
    }
  });
});

describe('provisioning', () => {
  it('provisions the datasource the dashboards query, by its uid', () => {
    const file = readFileSync(join(import.meta.dirname, 'provisioning', 'datasources', 'govops.yml'), 'utf8');
    const { datasources } = parseYaml(file) as { datasources: { uid: string; type: string }[] };
    expect(datasources).toEqual([expect.objectContaining({ uid: prometheusUid, type: 'prometheus' })]);
  });

  it('provisions the dashboards from files into the GovOps folder', () => {
    const file = readFileSync(join(import.meta.dirname, 'provisioning', 'dashboards', 'govops.yml'), 'utf8');
    const { providers } = parseYaml(file) as {
      providers: { type: string; folder: string; options: { path: string } }[];
    };
    expect(providers).toEqual([
      expect.objectContaining({
        type: 'file',
        folder: 'GovOps',
        options: expect.objectContaining({ path: expect.stringMatching(/^\//) }),
      }),
    ]);
  });
});
