import { Invalid, NotFound } from '../../core/errors.ts';
import { type DrLevel, defaultDrLevels } from '../../core/dr-levels.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { DrLevelsTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { recomputeAchieved } from './achieved.ts';
import { drLevelBody } from './dr-input.ts';

/** A row of the level table as the API and pages show it. */
export type DrLevelView = DrLevel & { updatedAt: string; updatedBy: string };

function toView(r: DrLevelsTable): DrLevelView {
  return {
    level: r.level,
    nameEn: r.name_en,
    nameZh: r.name_zh,
    rtoText: r.rto_text,
    rpoText: r.rpo_text,
    rtoMaxSeconds: r.rto_max_seconds,
    rpoMaxSeconds: r.rpo_max_seconds,
    needsRealTime: r.needs_real_time === 1,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/**
 * Seeds core/dr-levels.ts's defaults into an empty level table (first start, or first use of the
 * DR area on a store that predates it); a table with rows is left as operators made it.
 */
export async function seedDefaultDrLevels(uow: UnitOfWork, at: string): Promise<void> {
  const any = await uow.db().selectFrom('dr_levels').select('level').limit(1).executeTakeFirst();
  if (any) return;
  await uow
    .db()
    .insertInto('dr_levels')
    .values(
      defaultDrLevels.map((l) => ({
        level: l.level,
        name_en: l.nameEn,
        name_zh: l.nameZh,
        rto_text: l.rtoText,
        rpo_text: l.rpoText,
        rto_max_seconds: l.rtoMaxSeconds,
        rpo_max_seconds: l.rpoMaxSeconds,
        needs_real_time: l.needsRealTime ? 1 : 0,
        updated_at: at,
        updated_by: 'GB/T 20988 defaults',
      })),
    )
    .onConflict((oc) => oc.column('level').doNothing())
    .execute();
}

/** The GB/T 20988 level table: read (seeded on first use) and corrected row by row by operators. */
export function drLevels({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function list(): Promise<DrLevelView[]> {
    let rows = await uow.db().selectFrom('dr_levels').selectAll().orderBy('level').execute();
    if (!rows.length) {
      await uow.inTransaction(() => seedDefaultDrLevels(uow, now().toISOString()));
      rows = await uow.db().selectFrom('dr_levels').selectAll().orderBy('level').execute();
    }
    return rows.map(toView);
  }

  /** Replaces one row and recomputes every protection's achieved level against the corrected table. */
  async function correct(level: number, raw: unknown, actor: string): Promise<DrLevelView> {
    const table = await list();
    if (!table.some((l) => l.level === level)) throw new NotFound('dr_level_not_found', { level });
    const parsed = drLevelBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const v = parsed.data;
    await uow
      .db()
      .updateTable('dr_levels')
      .set({
        name_en: v.nameEn,
        name_zh: v.nameZh,
        rto_text: v.rtoText,
        rpo_text: v.rpoText,
        rto_max_seconds: v.rtoMaxSeconds,
        rpo_max_seconds: v.rpoMaxSeconds,
        needs_real_time: v.needsRealTime ? 1 : 0,
        updated_at: now().toISOString(),
        updated_by: actor,
      })
      .where('level', '=', level)
      .execute();
    const corrected = await list();
    await recomputeAchieved(uow, corrected);
    return corrected.find((l) => l.level === level)!;
  }

  return { list, correct };
}
