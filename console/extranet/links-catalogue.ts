import { Conflict, type FieldProblem, Invalid, NotFound } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { zodProblems } from '../http/field-problems.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type LinkInput, linkBody, linkPatch } from './link-input.ts';
import { affectedByOf } from './link-topology.ts';
import { ensureStatuses } from './link-tracking-store.ts';
import { type LinkView, linkRows, requireLinkVisible, toLinkView } from './link-views.ts';

/**
 * Defining links: create and change them, with every reference checked (parent, region,
 * department, agent) and the tree kept a tree. A new link is UNKNOWN from the moment it exists.
 */
export function linksCatalogue({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  /** One link the principal may see, with its state and the incident that explains it. */
  async function get(p: Principal, code: string): Promise<LinkView> {
    const row = await linkRows(uow).where('links.code', '=', code).executeTakeFirst();
    if (!row) throw new NotFound('link_not_found', { code });
    requireLinkVisible(p, code, row.department_code);
    const affected = await affectedByOf(uow);
    return toLinkView(row, affected.get(code) ?? null);
  }

  async function exists(table: 'links' | 'regions' | 'departments', code: string): Promise<boolean> {
    return !!(await uow.db().selectFrom(table).select('code').where('code', '=', code).executeTakeFirst());
  }

  /** Every reference that names nothing, as field problems (400), all at once. */
  async function referenceProblems(input: Omit<LinkInput, 'code'>): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    if (input.parent && !(await exists('links', input.parent)))
      problems.push({ field: 'parent', rule: 'unknown_link' });
    if (input.region && !(await exists('regions', input.region)))
      problems.push({ field: 'region', rule: 'unknown_region' });
    if (input.department && !(await exists('departments', input.department)))
      problems.push({ field: 'department', rule: 'unknown_department' });
    if (input.agent) {
      const agent = await uow.db().selectFrom('agents').select('id').where('id', '=', input.agent).executeTakeFirst();
      if (!agent) problems.push({ field: 'agent', rule: 'unknown_agent' });
    }
    return problems;
  }

  /** Refuses a parent that is the link itself or sits beneath it: the tree would loop. */
  async function refuseCycle(code: string, parent: string): Promise<void> {
    if (parent === code) throw new Conflict('link_cycle', { code, parent });
    // UNION (not UNION ALL) stops the walk even if the stored tree already loops somewhere.
    const above = await uow
      .db()
      .withRecursive('up(code, parent_code)', (db) =>
        db
          .selectFrom('links')
          .select(['code', 'parent_code'])
          .where('code', '=', parent)
          .union((qb) =>
            qb
              .selectFrom('links')
              .innerJoin('up', 'up.parent_code', 'links.code')
              .select(['links.code', 'links.parent_code']),
          ),
      )
      .selectFrom('up')
      .select('code')
      .where('code', '=', code)
      .executeTakeFirst();
    if (above) throw new Conflict('link_cycle', { code, parent });
  }

  function columns(input: Omit<LinkInput, 'code'>) {
    const { intervalSeconds } = input.probe;
    return {
      name: input.name,
      link_class: input.class,
      parent_code: input.parent ?? null,
      region_code: input.region ?? null,
      department_code: input.department ?? null,
      agent_id: input.agent ?? null,
      probe: JSON.stringify(input.probe),
      interval_seconds: intervalSeconds,
    };
  }

  async function create(p: Principal, raw: unknown): Promise<LinkView> {
    const parsed = linkBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const input = parsed.data;
    if (await exists('links', input.code)) throw new Conflict('link_exists', { code: input.code });
    if (input.parent === input.code) throw new Conflict('link_cycle', { code: input.code, parent: input.parent });
    const problems = await referenceProblems(input);
    if (problems.length) throw new Invalid(problems);
    const at = now();
    const insert = () =>
      uow
        .db()
        .insertInto('links')
        .values({
          code: input.code,
          ...columns(input),
          demo: 0,
          created_at: at.toISOString(),
          updated_at: at.toISOString(),
        })
        .execute();
    await insertOrConflict(insert, () => new Conflict('link_exists', { code: input.code }));
    await ensureStatuses(uow, [input.code], at);
    return get(p, input.code);
  }

  async function update(p: Principal, code: string, raw: unknown): Promise<LinkView> {
    const current = await get(p, code);
    const parsed = linkPatch.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const merged: Omit<LinkInput, 'code'> = {
      name: current.name,
      class: current.class,
      parent: current.parent,
      region: current.region,
      department: current.department,
      agent: current.agent,
      probe: current.probe,
      ...parsed.data,
    };
    const problems = await referenceProblems(merged);
    if (problems.length) throw new Invalid(problems);
    if (merged.parent && merged.parent !== current.parent) await refuseCycle(code, merged.parent);
    await uow
      .db()
      .updateTable('links')
      .set({ ...columns(merged), updated_at: now().toISOString() })
      .where('code', '=', code)
      .execute();
    return get(p, code);
  }

  return { get, create, update };
}
