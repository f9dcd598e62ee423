import type { Amount } from '../core/capacity.ts';
import { demoAllocation, demoCapacity } from '../core/demo-capacity.ts';
import { type Kysely, sql } from 'kysely';
import { demoProvince } from '../core/demo-province.ts';
import { namespaceOf } from '../core/namespace.ts';
import { anhuiRegions } from '../core/demo-regions.ts';
import type { AccountsService } from './accounts/service.ts';
import { generatePassword } from './auth/passwords.ts';
import type { Logger } from './logger.ts';
import { seedDemoDr } from './dr/demo-dr.ts';
import { seedDemoLinks } from './extranet/demo-links.ts';
import { seedDemoMigrations } from './migration/demo-migrations.ts';
import { seedDemoSystems } from './systems/demo-systems.ts';
import { dialectOf } from './store/dialect-of.ts';
import type { UnitOfWork } from './store/unit-of-work.ts';

export type FirstStart = { adminCreated: boolean; generatedPassword: string | null; demoLoaded: boolean };

/**
 * First start on an empty store: the province's administrative divisions, the demo province
 * (unless switched off), and the `admin` system administrator. Each part runs only when its
 * tables are empty, so restarts and replicas starting together change nothing.
 */
export async function firstStart({
  uow,
  accounts,
  logger,
  now,
  demo,
  adminPassword,
}: {
  uow: UnitOfWork;
  accounts: AccountsService;
  logger: Logger;
  now: () => Date;
  demo: boolean;
  adminPassword: string | undefined;
}): Promise<FirstStart> {
  return uow.inTransaction(async () => {
    const db = uow.db();
    const hasRegions = await db.selectFrom('regions').select('code').limit(1).executeTakeFirst();
    if (!hasRegions) {
      // Parents first: the foreign key wants the province before its cities, cities before counties.
      const order = { province: 0, city: 1, county: 2 } as const;
      const regions = anhuiRegions().sort((a, b) => order[a.kind] - order[b.kind]);
      for (const chunk of chunks(regions, 200)) {
        await db
          .insertInto('regions')
          .values(chunk.map((r) => ({ code: r.code, name: r.name, kind: r.kind, parent_code: r.parentCode })))
          .execute();
      }
    }

    let demoLoaded = false;
    const hasDepartments = await db.selectFrom('departments').select('code').limit(1).executeTakeFirst();
    if (demo && !hasDepartments) {
      const province = demoProvince();
      const at = now().toISOString();
      for (const chunk of chunks(province.departments, 500)) {
        await db
          .insertInto('departments')
          .values(
            chunk.map((d) => ({
              code: d.code,
              name: d.name,
              level: d.level,
              region_code: d.regionCode,
              demo: 1,
              created_at: at,
              updated_at: at,
            })),
          )
          .execute();
      }
      await db
        .insertInto('sites')
        .values(
          province.sites.map((s) => ({ code: s.code, name: s.name, role: s.role, region_code: s.regionCode, demo: 1 })),
        )
        .execute();
      await seedDemoCapacity(uow, province, at);
      await db.insertInto('settings').values({ key: 'demo', value: at }).execute();
      demoLoaded = true;
      logger.info('loaded the demo province', {
        departments: province.departments.length,
        sites: province.sites.length,
      });
    }

    // The demo's link tree, also for a store whose demo province predates the extranet.
    const hasLinks = await db.selectFrom('links').select('code').limit(1).executeTakeFirst();
    if (demo && !hasLinks && (await isDemo(uow))) {
      const links = await seedDemoLinks(uow, demoProvince(), now());
      logger.info('loaded the demo extranet', { links });
    }

    // The demo's department systems, their migrations and waves (also for an older demo store).
    const hasSystems = await db.selectFrom('systems').select('code').limit(1).executeTakeFirst();
    if (demo && !hasSystems && (await isDemo(uow))) {
      const systems = await seedDemoSystems(uow, demoProvince(), now());
      logger.info('loaded the demo systems', { systems });
    }
    const hasWaves = await db.selectFrom('waves').select('code').limit(1).executeTakeFirst();
    if (demo && !hasWaves && (await isDemo(uow))) {
      const requests = await seedDemoMigrations(uow, now());
      logger.info('loaded the demo migrations', { requests });
    }
    // After the migrations: accepted level-3 systems get the remote protection and passed drill
    // the acceptance gate asks for, so the demo agrees with its own rules.
    const hasMilestones = await db.selectFrom('site_milestones').select('site_code').limit(1).executeTakeFirst();
    if (demo && !hasMilestones && (await isDemo(uow))) {
      const dr = await seedDemoDr(uow, now());
      logger.info('loaded the demo disaster recovery', dr);
    }

    await ensureLedgers(uow, now().toISOString());

    let generatedPassword: string | null = null;
    const adminCreated = await accounts.isEmpty();
    if (adminCreated) {
      generatedPassword = adminPassword ? null : generatePassword();
      await accounts.createUser({
        username: 'admin',
        displayName: 'System administrator',
        roles: ['system-admin'],
        password: adminPassword ?? generatedPassword,
      });
    }
    return { adminCreated, generatedPassword, demoLoaded };
  });
}

/** Every site gets a ledger row (its capacity version and lock), even before capacity is set. */
async function ensureLedgers(uow: UnitOfWork, at: string): Promise<void> {
  const missing = await uow
    .db()
    .selectFrom('sites')
    .leftJoin('site_ledgers', 'site_ledgers.site_code', 'sites.code')
    .select('sites.code')
    .where('site_ledgers.site_code', 'is', null)
    .execute();
  if (missing.length) {
    await uow
      .db()
      .insertInto('site_ledgers')
      .values(missing.map((s) => ({ site_code: s.code, version: 0, updated_at: at, updated_by: 'first start' })))
      .execute();
  }
}

/** The demo's capacity per site and an allocation for the departments that would hold one. */
async function seedDemoCapacity(uow: UnitOfWork, province: ReturnType<typeof demoProvince>, at: string): Promise<void> {
  const db = uow.db();
  await ensureLedgers(uow, at);
  for (const site of province.sites) {
    await db
      .insertInto('site_resources')
      .values(
        demoCapacity(site.role).map((r) => ({
          site_code: site.code,
          resource: r.resource,
          capacity: r.capacity,
          requests_ratio_pct: r.ratioPercent.requests,
          limits_ratio_pct: r.ratioPercent.limits,
        })),
      )
      .execute();
    const holders = province.departments.flatMap((d) => {
      const allocation = demoAllocation(d.level, site.role);
      return allocation ? [{ department: d.code, allocation }] : [];
    });
    for (const chunk of chunks(holders, 500)) {
      await db
        .insertInto('quotas')
        .values(
          chunk.map((h) => ({
            department_code: h.department,
            site_code: site.code,
            namespace: namespaceOf(h.department),
            request_id: 'demo',
            approved_at: at,
            approved_by: 'demo',
          })),
        )
        .execute();
      const amounts = chunk.flatMap((h) =>
        (Object.entries(h.allocation) as [string, Amount][]).map(([resource, a]) => ({
          department_code: h.department,
          site_code: site.code,
          resource,
          requests: a.requests,
          limits: a.limits,
        })),
      );
      for (const part of chunks(amounts, 500)) await db.insertInto('quota_amounts').values(part).execute();
    }
  }
  await db.updateTable('provisioning_state').set({ revision: 1, changed_at: at }).where('id', '=', 1).execute();
  // Fresh statistics, so PostgreSQL plans the first lists over thousands of rows as such
  // rather than waiting for autovacuum to notice the bulk load.
  if (dialectOf(uow.root as Kysely<unknown>) === 'postgres') await sql`analyze`.execute(db);
}

/** Whether the store holds the demo province (pages label it so). */
export async function isDemo(uow: UnitOfWork): Promise<boolean> {
  return !!(await uow.db().selectFrom('settings').select('value').where('key', '=', 'demo').executeTakeFirst());
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
