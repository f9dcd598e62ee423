import type { Kysely } from 'kysely';
import type { Database, SystemsTable } from '../store/schema.ts';

/**
 * A few department systems written straight into the store for the migration tests, so they do
 * not wait on the systems inventory's own API; `dependsOn` adds dependency rows. The demo's 1,473
 * systems are already there after first start: give test systems codes of their own (a `T-` or
 * `P-` prefix; no demo code has one) and departments the demo gave no system.
 */
export async function insertSystems(
  db: Kysely<Database>,
  at: Date,
  systems: (Partial<SystemsTable> & { code: string; department_code: string; dependsOn?: string[] })[],
): Promise<void> {
  const iso = at.toISOString();
  await db
    .insertInto('systems')
    .values(
      systems.map(({ dependsOn: _, ...s }) => ({
        name: `System ${s.code}`,
        description: '',
        mlps_level: null,
        network: 'extranet' as const,
        hosting: 'own-machine-room' as const,
        hosting_site_code: null,
        data_volume_gib: 100,
        rpo_seconds: null,
        rto_seconds: null,
        target_dr_level: null,
        version: 1,
        demo: 0,
        created_at: iso,
        updated_at: iso,
        ...s,
      })),
    )
    .execute();
  const deps = systems.flatMap((s) => (s.dependsOn ?? []).map((d) => ({ system_code: s.code, depends_on_code: d })));
  if (deps.length) await db.insertInto('system_dependencies').values(deps).execute();
}

/**
 * The value of one series in a Prometheus scrape, e.g. `govops_migration_systems{state="accepted"}`;
 * undefined when the series is absent. The demo's requests are counted too, so tests compare
 * values before and after their own moves rather than absolute figures.
 */
export function metricValue(scrape: string, series: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
