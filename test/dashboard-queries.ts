/**
 * What a Grafana dashboard asks Prometheus, read from its JSON the way Grafana would: every panel
 * target's `expr` (panels nested in collapsed rows too) with Grafana's built-in and template
 * variables replaced by what Grafana sends on an "All" selection, and every query variable's
 * `label_values(metric, label)` as a label-values lookup.
 */

export type PanelQuery = { dashboard: string; panel: string; refId: string; expr: string };
export type VariableQuery = { dashboard: string; variable: string; label: string; match: string | null };

type Panel = { title?: string; targets?: { expr?: string; refId?: string; hide?: boolean }[]; panels?: Panel[] };
type Variable = { name: string; type: string; query?: string | { query?: string } };
export type DashboardJson = { title: string; panels?: Panel[]; templating?: { list?: Variable[] } };

/** Built-in variables as Grafana would expand them for a five-minute view of fresh data. */
const builtins: [RegExp, string][] = [
  [/\$__rate_interval\b/g, '1m'],
  [/\$__interval\b/g, '15s'],
  [/\$__range\b/g, '5m'],
  [/\$__range_s\b/g, '300'],
];

export function panelQueries(dashboard: DashboardJson): PanelQuery[] {
  const variables = (dashboard.templating?.list ?? []).map((v) => v.name);
  const expand = (expr: string) => {
    let out = expr;
    for (const [pattern, value] of builtins) out = out.replace(pattern, value);
    // "All" is sent as the variables' allValue, `.*`, inside `=~"…"` matchers.
    for (const name of variables) out = out.replace(new RegExp(`\\$\\{${name}(?::\\w+)?\\}|\\$${name}\\b`, 'g'), '.*');
    return out;
  };
  const queries: PanelQuery[] = [];
  const visit = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (target.hide || !target.expr) continue;
        queries.push({
          dashboard: dashboard.title,
          panel: panel.title ?? '(untitled)',
          refId: target.refId ?? 'A',
          expr: expand(target.expr),
        });
      }
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels ?? []);
  return queries;
}

export function variableQueries(dashboard: DashboardJson): VariableQuery[] {
  const out: VariableQuery[] = [];
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const text = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
    const m = /^label_values\(\s*(?:(.+?)\s*,\s*)?(\w+)\s*\)$/.exec(text.trim());
    if (!m) throw new Error(`${dashboard.title}: variable ${v.name} is not a label_values() query: ${text}`);
    out.push({ dashboard: dashboard.title, variable: v.name, label: m[2]!, match: m[1] ?? null });
  }
  return out;
}
