import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { Conflict, type FieldProblem, Invalid, NotFound } from '../../core/errors.ts';
import { type Principal, requireDepartmentInScope } from '../../core/principal.ts';
import { type DependencyGraph, requireValidDependencies } from '../../core/system-dependencies.ts';
import { hostingProblems, type SystemRecord, systemCode, systemFields, systemShape } from '../../core/system-input.ts';
import { zodProblems } from '../http/field-problems.ts';
import { dialectOf } from '../store/dialect-of.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { neighbours, type SystemDetail, type SystemView, visibleSystem } from './system-views.ts';

const dependsOn = z.array(systemCode).max(500);
const version = z.number().int().min(1);

/** A new system: its facts and, optionally, what it depends on. */
export const systemBody = systemFields.extend({ dependsOn: dependsOn.default([]) }).strict();

/** A change to a system: any field but its code, and the version it was read at. */
export const systemPatch = z
  .object({ ...systemShape, dependsOn })
  .omit({ code: true })
  .partial()
  .extend({ version })
  .strict();

/** The whole list of a system's dependencies, replacing what it had. */
export const dependenciesBody = z.object({ dependsOn, version: version.optional() }).strict();

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
  return parsed.data;
}

/** Every stored system's dependencies; every stored system is a key. */
export async function dependencyGraph(uow: UnitOfWork): Promise<Map<string, string[]>> {
  const db = uow.db();
  const graph = new Map<string, string[]>();
  for (const s of await db.selectFrom('systems').select('code').execute()) graph.set(s.code, []);
  for (const e of await db.selectFrom('system_dependencies').select(['system_code', 'depends_on_code']).execute()) {
    graph.get(e.system_code)?.push(e.depends_on_code);
  }
  return graph;
}

/**
 * Serialises changes to the dependency graph on PostgreSQL, so two requests cannot each add half
 * of a cycle; SQLite already runs one writer at a time. Held until the transaction ends.
 */
export async function lockDependencyGraph(uow: UnitOfWork): Promise<void> {
  if (dialectOf(uow.root as Kysely<unknown>) === 'postgres') {
    await sql`lock table system_dependencies in share row exclusive mode`.execute(uow.db());
  }
}

/** Stored columns of a system's own facts. */
export function systemColumns(s: Omit<SystemRecord, 'code'>) {
  return {
    name: s.name,
    department_code: s.department,
    description: s.description,
    mlps_level: s.mlpsLevel,
    network: s.network,
    hosting: s.hosting,
    hosting_site_code: s.hostingSite,
    data_volume_gib: s.dataVolumeGiB,
    rpo_seconds: s.rpoSeconds,
    rto_seconds: s.rtoSeconds,
    target_dr_level: s.targetDrLevel,
  };
}

/**
 * The inventory's writes: create, change (optimistic version), delete and set dependencies, with
 * every reference checked and the dependency graph kept acyclic. Department users act on their
 * own department's systems only: others' are not found, and naming another department is refused.
 */
export function systemCatalogue({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function get(p: Principal, code: string): Promise<SystemDetail> {
    const view = await visibleSystem(uow, p, code);
    const deps = await neighbours(uow, code, 'dependsOn');
    return { ...view, dependsOn: deps, dependants: await neighbours(uow, code, 'dependants') };
  }

  /** Department and site references that name nothing, as field problems (400), all at once. */
  async function referenceProblems(s: Pick<SystemRecord, 'department' | 'hostingSite' | 'hosting'>) {
    const problems: FieldProblem[] = [...hostingProblems(s)];
    const db = uow.db();
    const dept = await db.selectFrom('departments').select('code').where('code', '=', s.department).executeTakeFirst();
    if (!dept) problems.push({ field: 'department', rule: 'unknown_department' });
    if (s.hostingSite !== null) {
      const site = await db.selectFrom('sites').select('code').where('code', '=', s.hostingSite).executeTakeFirst();
      if (!site) problems.push({ field: 'hostingSite', rule: 'unknown_site' });
    }
    if (problems.length) throw new Invalid(problems);
  }

  async function checkedGraph(code: string, next: readonly string[]): Promise<DependencyGraph> {
    await lockDependencyGraph(uow);
    const graph = await dependencyGraph(uow);
    requireValidDependencies(graph, code, next, (c) => graph.has(c));
    return graph;
  }

  async function replaceDependencies(code: string, next: readonly string[]): Promise<void> {
    const db = uow.db();
    await db.deleteFrom('system_dependencies').where('system_code', '=', code).execute();
    const unique = [...new Set(next)];
    if (unique.length) {
      await db
        .insertInto('system_dependencies')
        .values(unique.map((d) => ({ system_code: code, depends_on_code: d })))
        .execute();
    }
  }

  async function create(p: Principal, raw: unknown): Promise<SystemDetail> {
    const input = parse(systemBody, raw);
    requireDepartmentInScope(p, input.department);
    return uow.inTransaction(async () => {
      const db = uow.db();
      if (await db.selectFrom('systems').select('code').where('code', '=', input.code).executeTakeFirst()) {
        throw new Conflict('system_exists', { code: input.code });
      }
      await referenceProblems(input);
      await checkedGraph(input.code, input.dependsOn);
      const at = now().toISOString();
      const insert = () =>
        db
          .insertInto('systems')
          .values({ code: input.code, ...systemColumns(input), version: 1, demo: 0, created_at: at, updated_at: at })
          .execute();
      await insertOrConflict(insert, () => new Conflict('system_exists', { code: input.code }));
      await replaceDependencies(input.code, input.dependsOn);
      return get(p, input.code);
    });
  }

  async function update(p: Principal, code: string, raw: unknown): Promise<SystemDetail> {
    return uow.inTransaction(async () => {
      const current = await visibleSystem(uow, p, code);
      const { version: readAt, dependsOn: nextDeps, ...patch } = parse(systemPatch, raw);
      const merged = parse(systemFields, { ...recordOf(current), ...patch });
      if (merged.department !== current.department) requireDepartmentInScope(p, merged.department);
      await referenceProblems(merged);
      if (nextDeps) await checkedGraph(code, nextDeps);
      const result = await uow
        .db()
        .updateTable('systems')
        .set({ ...systemColumns(merged), version: readAt + 1, updated_at: now().toISOString() })
        .where('code', '=', code)
        .where('version', '=', readAt)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new Conflict('stale_system', { code, version: current.version });
      if (nextDeps) await replaceDependencies(code, nextDeps);
      return get(p, code);
    });
  }

  async function setDependencies(p: Principal, code: string, raw: unknown): Promise<SystemDetail> {
    const body = parse(dependenciesBody, raw);
    return uow.inTransaction(async () => {
      const current = await visibleSystem(uow, p, code);
      if (body.version !== undefined && body.version !== current.version) {
        throw new Conflict('stale_system', { code, version: current.version });
      }
      await checkedGraph(code, body.dependsOn);
      await replaceDependencies(code, body.dependsOn);
      await uow
        .db()
        .updateTable('systems')
        .set({ version: current.version + 1, updated_at: now().toISOString() })
        .where('code', '=', code)
        .execute();
      return get(p, code);
    });
  }

  /** Deletes a system nothing refers to: no migration, protection, drill, follow-up or dependant. */
  async function remove(p: Principal, code: string): Promise<void> {
    await uow.inTransaction(async () => {
      await visibleSystem(uow, p, code);
      const db = uow.db();
      for (const table of ['migration_requests', 'dr_protections', 'dr_drills', 'system_follow_ups'] as const) {
        const use = await db
          .selectFrom(table)
          .select('system_code')
          .where('system_code', '=', code)
          .limit(1)
          .executeTakeFirst();
        if (use) throw new Conflict('system_in_use', { code });
      }
      await lockDependencyGraph(uow);
      const dependants = await neighbours(uow, code, 'dependants');
      if (dependants.length) {
        throw new Conflict('system_has_dependants', {
          code,
          dependants: dependants.map((d) => d.code).join(', '),
        }).with({
          dependants: dependants.map((d) => d.code),
        });
      }
      await db.deleteFrom('system_dependencies').where('system_code', '=', code).execute();
      const deleted = await db.deleteFrom('systems').where('code', '=', code).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new NotFound('system_not_found', { code });
    });
  }

  return { get, create, update, setDependencies, remove };
}

/** The stored facts of a system view, as a record the input schema reads. */
export function recordOf(v: SystemView): SystemRecord {
  return {
    code: v.code,
    name: v.name,
    department: v.department,
    description: v.description,
    mlpsLevel: v.mlpsLevel,
    network: v.network,
    hosting: v.hosting,
    hostingSite: v.hostingSite,
    dataVolumeGiB: v.dataVolumeGiB,
    rpoSeconds: v.rpoSeconds,
    rtoSeconds: v.rtoSeconds,
    targetDrLevel: v.targetDrLevel,
  };
}
