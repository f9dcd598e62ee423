import { Invalid } from '../../core/errors.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type DrSettings, drSettingsBody } from './dr-input.ts';

const overdueKey = 'dr.drillOverdueMonths';
/** A system is drill-overdue without a passed drill in this many months, unless operators say otherwise. */
export const defaultDrillOverdueMonths = 12;

/** The DR settings kept in the `settings` table. */
export function drSettings({ uow }: { uow: UnitOfWork }) {
  async function read(): Promise<DrSettings> {
    const row = await uow.db().selectFrom('settings').select('value').where('key', '=', overdueKey).executeTakeFirst();
    const months = Number(row?.value);
    // A hand-edited value out of range reads as the default rather than stopping the pages.
    const valid = Number.isInteger(months) && months >= 1 && months <= 60;
    return { drillOverdueMonths: valid ? months : defaultDrillOverdueMonths };
  }

  async function write(raw: unknown): Promise<DrSettings> {
    const parsed = drSettingsBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const value = String(parsed.data.drillOverdueMonths);
    await uow
      .db()
      .insertInto('settings')
      .values({ key: overdueKey, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    return read();
  }

  return { read, write };
}
