import type { Kysely } from 'kysely';
import type { Allocation, Amount } from '../../core/capacity.ts';
import { namespaceOf } from '../../core/namespace.ts';
import type { Database } from '../store/schema.ts';

/**
 * A small ledger for the usage and metrics tests: sites with capacity, and departments holding
 * approved quotas on them, written straight into the tables (the capacity services are not
 * what these tests are about).
 */
export type LedgerFixture = {
  sites: { code: string; capacity?: Record<string, number> }[];
  quotas: { department: string; site: string; allocation: Allocation }[];
};

export async function seedLedger(db: Kysely<Database>, { sites, quotas }: LedgerFixture): Promise<void> {
  const at = '2026-11-01T00:00:00.000Z';
  await db
    .insertInto('regions')
    .values({ code: '340000', name: '安徽省', kind: 'province', parent_code: null })
    .execute();
  for (const site of sites) {
    await db
      .insertInto('sites')
      .values({ code: site.code, name: site.code, role: 'production', region_code: '340000', demo: 0 })
      .execute();
    await db
      .insertInto('site_ledgers')
      .values({ site_code: site.code, version: 1, updated_at: at, updated_by: 'fixture' })
      .execute();
    for (const [resource, capacity] of Object.entries(site.capacity ?? {})) {
      const cpu = resource === 'cpu';
      await db
        .insertInto('site_resources')
        .values({
          site_code: site.code,
          resource,
          capacity,
          requests_ratio_pct: 100,
          limits_ratio_pct: cpu ? 400 : 100,
        })
        .execute();
    }
  }
  const departments = [...new Set(quotas.map((q) => q.department))];
  for (const code of departments) {
    await db
      .insertInto('departments')
      .values({ code, name: code, level: 'provincial', region_code: '340000', demo: 0, created_at: at, updated_at: at })
      .execute();
  }
  for (const q of quotas) {
    await db
      .insertInto('quotas')
      .values({
        department_code: q.department,
        site_code: q.site,
        namespace: namespaceOf(q.department),
        request_id: `req-${q.department}`,
        approved_at: at,
        approved_by: 'fixture',
      })
      .execute();
    for (const [resource, amount] of Object.entries(q.allocation) as [string, Amount][]) {
      await db
        .insertInto('quota_amounts')
        .values({ department_code: q.department, site_code: q.site, resource, ...amount })
        .execute();
    }
  }
}
