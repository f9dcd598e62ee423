import { Conflict, Invalid, NotFound } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { zodProblems } from '../http/field-problems.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { recomputeAchieved } from './achieved.ts';
import { protectionBody } from './dr-input.ts';
import type { drLevels } from './levels.ts';
import { type ProtectionView, toProtectionView } from './protection-view.ts';
import { visibleSystem } from './system-access.ts';

/** A DR site by code; a production site is refused as the place of a protection or a drill. */
export async function drSite(uow: UnitOfWork, code: string) {
  const site = await uow
    .db()
    .selectFrom('sites')
    .select(['code', 'name', 'role'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!site) throw new NotFound('site_not_found', { code });
  if (site.role === 'production') throw new Invalid([{ field: 'site', rule: 'not_a_dr_site', params: { site: code } }]);
  return site;
}

/**
 * A system's protection per DR site: set by operators or replication tooling (mode, state, lag,
 * last good recovery point), the achieved level recomputed on every change.
 */
export function drProtections({
  uow,
  now,
  levels,
}: {
  uow: UnitOfWork;
  now: () => Date;
  levels: ReturnType<typeof drLevels>;
}) {
  function rows() {
    return uow
      .db()
      .selectFrom('dr_protections as p')
      .innerJoin('sites', 'sites.code', 'p.site_code')
      .select([
        'p.system_code',
        'p.site_code',
        'sites.name as site_name',
        'sites.role as site_role',
        'p.mode',
        'p.state',
        'p.lag_seconds',
        'p.last_recovery_point',
        'p.achieved_level',
        'p.version',
        'p.updated_at',
        'p.updated_by',
      ]);
  }

  /** Every protection of a system the principal may see, same-city before remote. */
  async function forSystem(p: Principal, code: string): Promise<ProtectionView[]> {
    const system = await visibleSystem(uow, p, code);
    const found = await rows()
      .where('p.system_code', '=', code)
      .orderBy('sites.role', 'desc')
      .orderBy('p.site_code')
      .execute();
    return found.map((r) => toProtectionView(r, system));
  }

  async function get(p: Principal, code: string, site: string): Promise<ProtectionView> {
    const system = await visibleSystem(uow, p, code);
    const row = await rows().where('p.system_code', '=', code).where('p.site_code', '=', site).executeTakeFirst();
    if (!row) throw new NotFound('dr_protection_not_found', { system: code, site });
    return toProtectionView(row, system);
  }

  /** Creates or changes the protection of `code` at DR site `site`; refuses a stale version (409). */
  async function upsert(p: Principal, code: string, site: string, raw: unknown): Promise<ProtectionView> {
    const parsed = protectionBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const input = parsed.data;
    await visibleSystem(uow, p, code);
    await drSite(uow, site);
    const at = now().toISOString();
    const current = await uow
      .db()
      .selectFrom('dr_protections')
      .selectAll()
      .where('system_code', '=', code)
      .where('site_code', '=', site)
      .executeTakeFirst();
    const stale = () => new Conflict('stale_protection', { system: code, site, version: current?.version ?? 0 });
    if (!current) {
      if (input.version !== undefined) throw stale();
      if (!input.mode) throw new Invalid([{ field: 'mode', rule: 'required' }]);
      const insert = uow
        .db()
        .insertInto('dr_protections')
        .values({
          system_code: code,
          site_code: site,
          mode: input.mode,
          state: input.state ?? 'requested',
          lag_seconds: input.lagSeconds ?? null,
          last_recovery_point: input.lastRecoveryPoint ?? null,
          achieved_level: null,
          version: 1,
          updated_at: at,
          updated_by: p.name,
        });
      await insertOrConflict(() => insert.execute(), stale);
    } else {
      if (input.version !== undefined && input.version !== current.version) throw stale();
      const changed = await uow
        .db()
        .updateTable('dr_protections')
        .set({
          mode: input.mode ?? current.mode,
          state: input.state ?? current.state,
          lag_seconds: input.lagSeconds === undefined ? current.lag_seconds : input.lagSeconds,
          last_recovery_point:
            input.lastRecoveryPoint === undefined ? current.last_recovery_point : input.lastRecoveryPoint,
          version: current.version + 1,
          updated_at: at,
          updated_by: p.name,
        })
        .where('system_code', '=', code)
        .where('site_code', '=', site)
        .where('version', '=', current.version)
        .executeTakeFirst();
      // Another writer moved it between our read and our write.
      if (Number(changed.numUpdatedRows) !== 1) throw stale();
    }
    await recomputeAchieved(uow, await levels.list(), { system: code, site });
    return get(p, code, site);
  }

  return { forSystem, get, upsert };
}
