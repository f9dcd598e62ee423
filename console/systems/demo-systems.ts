import { type Kysely, sql } from 'kysely';
import type { DemoProvince } from '../../core/demo-province.ts';
import { demoSystems } from '../../core/demo-systems.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { systemColumns } from './system-catalogue.ts';

const chunkSize = 300;

/**
 * Loads the demo province's 1,473 systems and their dependencies in a few bulk statements
 * (systems first: every dependency's target is then stored). Returns how many systems it loaded.
 */
export async function seedDemoSystems(uow: UnitOfWork, province: DemoProvince, at: Date): Promise<number> {
  const systems = demoSystems(province);
  const iso = at.toISOString();
  const db = uow.db();
  for (let i = 0; i < systems.length; i += chunkSize) {
    await db
      .insertInto('systems')
      .values(
        systems
          .slice(i, i + chunkSize)
          .map((s) => ({ code: s.code, ...systemColumns(s), version: 1, demo: 1, created_at: iso, updated_at: iso })),
      )
      .execute();
  }
  const edges = systems.flatMap((s) => s.dependsOn.map((d) => ({ system_code: s.code, depends_on_code: d })));
  for (let i = 0; i < edges.length; i += chunkSize) {
    await db
      .insertInto('system_dependencies')
      .values(edges.slice(i, i + chunkSize))
      .execute();
  }
  // As after the demo's links: fresh statistics so PostgreSQL plans for thousands of rows.
  if (dialectOf(uow.root as Kysely<unknown>) === 'postgres') {
    await sql`analyze systems`.execute(db);
    await sql`analyze system_dependencies`.execute(db);
  }
  return systems.length;
}
