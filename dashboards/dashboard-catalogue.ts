import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { certificatesDashboard } from './certificates.ts';
import { cloudCapacityDashboard } from './cloud-capacity.ts';
import { consoleAgentsDashboard } from './console-agents.ts';
import { extranetLinksDashboard } from './extranet-links.ts';
import { migrationDrDashboard } from './migration-dr.ts';

/**
 * The five GovOps dashboards, built: what `npm run dashboards` writes to dashboards/generated/
 * and what the staleness test compares with the committed files.
 */

export type BuiltDashboard = { uid: string; title: string; file: string; json: Dashboard };

export function govopsDashboards(): BuiltDashboard[] {
  return [
    cloudCapacityDashboard(),
    extranetLinksDashboard(),
    certificatesDashboard(),
    migrationDrDashboard(),
    consoleAgentsDashboard(),
  ].map((json) => {
    if (!json.uid || !json.title) throw new Error('a GovOps dashboard needs a uid and a title');
    return { uid: json.uid, title: json.title, file: `${json.uid}.json`, json };
  });
}

/**
 * The file's text: keys sorted at every level and two-space indents, so building an unchanged
 * dashboard again writes the same bytes whatever order the builders set fields in.
 */
export function dashboardFileText(json: Dashboard): string {
  return `${JSON.stringify(sortedKeys(JSON.parse(JSON.stringify(json))), null, 2)}\n`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

/** The panels that draw data (rows left out), nested rows' panels included. */
export function dataPanels(json: Dashboard): Panel[] {
  return (json.panels ?? []).flatMap((p: Panel | RowPanel) =>
    p.type === 'row' ? (p as RowPanel).panels : [p as Panel],
  );
}
