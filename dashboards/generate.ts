import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dashboardFileText, govopsDashboards } from './dashboard-catalogue.ts';

/**
 * `npm run dashboards`: writes every GovOps dashboard to dashboards/generated/<uid>.json and
 * removes JSON files there that no dashboard builds any more (a renamed uid), so the folder is
 * exactly what Grafana should provision.
 */

export const generatedDir = join(import.meta.dirname, 'generated');

export async function writeDashboards(dir = generatedDir): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const dashboards = govopsDashboards();
  const wanted = new Set(dashboards.map((d) => d.file));
  for (const name of await readdir(dir)) {
    if (name.endsWith('.json') && !wanted.has(name)) await rm(join(dir, name));
  }
  for (const d of dashboards) await writeFile(join(dir, d.file), dashboardFileText(d.json));
  return [...wanted];
}

if (import.meta.main) {
  const files = await writeDashboards();
  for (const file of files) process.stdout.write(`dashboards/generated/${file}\n`);
}
