import { z } from 'zod';
import { Invalid, NotFound } from '../../core/errors.ts';
import {
  defaultLinkClassThresholds,
  type LinkClass,
  type LinkClassOverrides,
  type LinkClassThresholds,
  linkClasses,
  linkClassThresholdsSchema,
  thresholdsForClass,
} from '../../core/link-state.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/** One class's thresholds in force, the defaults they replace, and who last changed them. */
export type LinkClassView = {
  class: LinkClass;
  thresholds: LinkClassThresholds;
  defaults: LinkClassThresholds;
  overridden: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
};

/** A whole set of thresholds for one class, as an operator sets it (every figure, nothing else). */
export const classThresholdsBody = linkClassThresholdsSchema.strict();

const storedOverride = linkClassThresholdsSchema.partial();

/**
 * The operators' overrides of every class, read in one query. A row that no longer parses (a
 * hand edit, an older release) counts as no override rather than stopping state tracking.
 */
export async function readClassOverrides(uow: UnitOfWork): Promise<LinkClassOverrides> {
  const rows = await uow.db().selectFrom('link_class_thresholds').select(['link_class', 'thresholds']).execute();
  const overrides: LinkClassOverrides = {};
  for (const r of rows) {
    const linkClass = linkClasses.find((c) => c === r.link_class);
    const parsed = linkClass ? storedOverride.safeParse(safeJson(r.thresholds)) : null;
    if (linkClass && parsed?.success) overrides[linkClass] = parsed.data;
  }
  return overrides;
}

/** The thresholds in force for every class, given the overrides. */
export function thresholdsByClass(overrides: LinkClassOverrides): Record<LinkClass, LinkClassThresholds> {
  return Object.fromEntries(linkClasses.map((c) => [c, thresholdsForClass(c, overrides)])) as Record<
    LinkClass,
    LinkClassThresholds
  >;
}

/** Per-class thresholds: read with their defaults, replaced whole by an operator. */
export function linkThresholds({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function list(): Promise<LinkClassView[]> {
    const rows = await uow.db().selectFrom('link_class_thresholds').selectAll().execute();
    const overrides = await readClassOverrides(uow);
    return linkClasses.map((linkClass) => {
      const row = rows.find((r) => r.link_class === linkClass);
      return {
        class: linkClass,
        thresholds: thresholdsForClass(linkClass, overrides),
        defaults: { ...defaultLinkClassThresholds[linkClass] },
        overridden: overrides[linkClass] !== undefined,
        updatedAt: row?.updated_at ?? null,
        updatedBy: row?.updated_by ?? null,
      };
    });
  }

  /** Replaces one class's thresholds; they apply from the next round or sweep. */
  async function set(linkClass: string, raw: unknown, actor: string): Promise<LinkClassView> {
    const klass = z.enum(linkClasses).safeParse(linkClass);
    if (!klass.success) throw new NotFound('link_class_not_found', { class: linkClass });
    const parsed = classThresholdsBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const at = now().toISOString();
    const values = { thresholds: JSON.stringify(parsed.data), updated_at: at, updated_by: actor };
    await uow
      .db()
      .insertInto('link_class_thresholds')
      .values({ link_class: klass.data, ...values })
      .onConflict((oc) => oc.column('link_class').doUpdateSet(values))
      .execute();
    return (await list()).find((v) => v.class === klass.data)!;
  }

  return { list, set };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
