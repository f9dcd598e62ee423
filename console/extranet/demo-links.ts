import { type Kysely, sql } from 'kysely';
import { demoExtranet } from '../../core/demo-extranet.ts';
import type { DemoProvince } from '../../core/demo-province.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { chunks, ensureStatuses } from './link-tracking-store.ts';

/**
 * Loads the demo province's link tree (3,317 links), each UNKNOWN until an agent measures it, in
 * a few bulk statements. Parents come before their children in the list, so every chunk's
 * parents are already stored.
 */
export async function seedDemoLinks(uow: UnitOfWork, province: DemoProvince, at: Date): Promise<number> {
  const links = demoExtranet(province);
  const iso = at.toISOString();
  for (const part of chunks(links)) {
    await uow
      .db()
      .insertInto('links')
      .values(
        part.map((l) => ({
          code: l.code,
          name: l.name,
          link_class: l.linkClass,
          parent_code: l.parentCode,
          region_code: l.regionCode,
          department_code: l.departmentCode,
          agent_id: null,
          probe: JSON.stringify(l.probe),
          interval_seconds: l.probe.intervalSeconds,
          demo: 1,
          created_at: iso,
          updated_at: iso,
        })),
      )
      .execute();
  }
  await ensureStatuses(
    uow,
    links.map((l) => l.code),
    at,
  );
  // As after the demo's capacity: fresh statistics so PostgreSQL plans for thousands of rows.
  if (dialectOf(uow.root as Kysely<unknown>) === 'postgres') {
    await sql`analyze links`.execute(uow.db());
    await sql`analyze link_status`.execute(uow.db());
  }
  return links.length;
}
