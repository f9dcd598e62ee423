import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { type DepartmentCsvError, formatDepartmentsCsv, parseDepartmentsCsv } from '../../core/departments-csv.ts';
import { Conflict, Invalid, NotFound } from '../../core/errors.ts';
import {
  type DepartmentLevel,
  departmentInput,
  levelMatchesRegion,
  type Region,
  type RegionKind,
  type Site,
} from '../../core/org.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { Database } from '../store/schema.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { inRegion, matchesDepartment } from './department-filters.ts';

export const departmentSorts = ['code', 'name', 'level', 'region'] as const;
export type DepartmentSort = (typeof departmentSorts)[number];

export type DepartmentQuery = {
  level?: DepartmentLevel;
  region?: string;
  q?: string;
  sort?: DepartmentSort;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
};

/** A department as the API and pages show it. */
export type DepartmentView = {
  code: string;
  name: string;
  level: DepartmentLevel;
  region: string;
  regionName: string;
  demo: boolean;
};

/** The API's department body: the core rules, with the region under the name the API uses. */
export const departmentBody = departmentInput
  .omit({ regionCode: true })
  .extend({ region: departmentInput.shape.regionCode })
  .strict();
export const departmentPatch = departmentBody.omit({ code: true }).partial().strict();
export type DepartmentPage = { items: DepartmentView[]; total: number; nextCursor: string | null };
export type ImportOutcome = { created: number; updated: number };

export class ImportRejected extends Invalid {
  readonly lines: DepartmentCsvError[];
  constructor(lines: DepartmentCsvError[]) {
    super(
      lines.map((l) => ({
        field: `line ${l.line}${l.field ? `: ${l.field}` : ''}`,
        rule: l.rule,
        params: { ...(l.detail ?? {}), value: l.value },
      })),
      'import_has_errors',
    );
    this.lines = lines;
  }
}

const sortColumn = {
  code: 'departments.code',
  name: 'departments.name',
  level: 'departments.level',
  region: 'departments.region_code',
} as const;

export type OrgService = ReturnType<typeof createOrgService>;

/** Regions, departments and sites: the organisation every other area hangs off. */
export function createOrgService({
  uow,
  now,
  onDepartmentsChanged = async () => {},
}: {
  uow: UnitOfWork;
  now: () => Date;
  /** Runs in the same transaction when existing departments change (their namespaces' labels follow). */
  onDepartmentsChanged?: (at: Date) => Promise<unknown>;
}) {
  function base() {
    return uow
      .db()
      .selectFrom('departments')
      .innerJoin('regions', 'regions.code', 'departments.region_code')
      .select([
        'departments.code',
        'departments.name',
        'departments.level',
        'departments.region_code',
        'departments.demo',
        'regions.name as region_name',
      ]);
  }

  /**
   * The viewer's scope and the query's filters as one condition on departments alone, so the
   * count needs no join; the region filter takes everything below the region (a city's counties).
   */
  function matching(viewer: Principal, f: DepartmentQuery) {
    return (eb: ExpressionBuilder<Database, 'departments'>) => {
      const parts: Expression<SqlBool>[] = [];
      if (isScoped(viewer)) parts.push(eb('departments.code', '=', viewer.department ?? ''));
      if (f.level) parts.push(eb('departments.level', '=', f.level));
      if (f.region) parts.push(inRegion(eb, f.region));
      if (f.q) parts.push(matchesDepartment(eb, f.q));
      return eb.and(parts);
    };
  }

  function filtered(viewer: Principal, f: DepartmentQuery) {
    return base().where(matching(viewer, f));
  }

  async function countMatching(viewer: Principal, f: DepartmentQuery): Promise<number> {
    const { total } = await uow
      .db()
      .selectFrom('departments')
      .where(matching(viewer, f))
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    return Number(total);
  }

  return {
    /** One page of departments the viewer may see, with the total across all pages. */
    async listDepartments(viewer: Principal, f: DepartmentQuery): Promise<DepartmentPage> {
      const sort = f.sort ?? 'code';
      const desc = f.order === 'desc';
      const limit = f.limit ?? 50;
      const col = sortColumn[sort];
      let q = filtered(viewer, f);
      if (f.cursor) {
        const [value, code] = decodeCursor(f.cursor);
        const op = desc ? '<' : '>';
        q = q.where((eb) =>
          eb.or([eb(col, op, value), eb.and([eb(col, '=', value), eb('departments.code', op, code)])]),
        );
      }
      const rows = await q
        .orderBy(col, desc ? 'desc' : 'asc')
        .orderBy('departments.code', desc ? 'desc' : 'asc')
        .limit(limit + 1)
        .execute();
      const total = await countMatching(viewer, f);
      const items = rows.slice(0, limit).map(toView);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor([sortValue(last, sort), last.code]) : null;
      return { items, total, nextCursor };
    },

    async getDepartment(code: string): Promise<DepartmentView> {
      const row = await base().where('departments.code', '=', code).executeTakeFirst();
      if (!row) throw new NotFound('department_not_found', { code });
      return toView(row);
    },

    async createDepartment(raw: unknown): Promise<DepartmentView> {
      const input = await validDepartment(raw);
      const existing = await uow
        .db()
        .selectFrom('departments')
        .select('code')
        .where('code', '=', input.code)
        .executeTakeFirst();
      if (existing) throw new Conflict('department_exists', { code: input.code });
      const at = now().toISOString();
      const insert = () =>
        uow
          .db()
          .insertInto('departments')
          .values({
            code: input.code,
            name: input.name,
            level: input.level,
            region_code: input.regionCode,
            demo: 0,
            created_at: at,
            updated_at: at,
          })
          .execute();
      await insertOrConflict(insert, () => new Conflict('department_exists', { code: input.code }));
      return this.getDepartment(input.code);
    },

    async updateDepartment(code: string, raw: unknown): Promise<DepartmentView> {
      const current = await this.getDepartment(code);
      const patch = departmentPatch.safeParse(raw);
      if (!patch.success) throw new Invalid(zodProblems(patch.error));
      const { name, level, region } = current;
      const input = await validDepartment({ name, level, region, ...patch.data, code });
      await uow
        .db()
        .updateTable('departments')
        .set({ name: input.name, level: input.level, region_code: input.regionCode, updated_at: now().toISOString() })
        .where('code', '=', code)
        .execute();
      await onDepartmentsChanged(now());
      return this.getDepartment(code);
    },

    /** Imports a CSV: every line valid, or nothing imported and every bad line reported. */
    async importDepartments(csv: string): Promise<ImportOutcome> {
      const regions = new Map((await this.listRegions()).map((r) => [r.code, r]));
      const parsed = parseDepartmentsCsv(csv, regions);
      if (!parsed.ok) throw new ImportRejected(parsed.errors);
      const db = uow.db();
      const existing = new Set((await db.selectFrom('departments').select('code').execute()).map((r) => r.code));
      const at = now().toISOString();
      let created = 0;
      let updated = 0;
      for (const d of parsed.departments) {
        if (existing.has(d.code)) {
          await db
            .updateTable('departments')
            .set({ name: d.name, level: d.level, region_code: d.regionCode, updated_at: at })
            .where('code', '=', d.code)
            .execute();
          updated++;
        } else {
          await db
            .insertInto('departments')
            .values({
              code: d.code,
              name: d.name,
              level: d.level,
              region_code: d.regionCode,
              demo: 0,
              created_at: at,
              updated_at: at,
            })
            .execute();
          created++;
        }
      }
      if (updated) await onDepartmentsChanged(now());
      return { created, updated };
    },

    /** Every department the viewer may see, as CSV (same columns the import reads). */
    async exportDepartments(viewer: Principal, f: DepartmentQuery): Promise<string> {
      const rows = await filtered(viewer, f).orderBy('departments.code').execute();
      return formatDepartmentsCsv(
        rows.map((r) => ({ code: r.code, name: r.name, level: r.level, regionCode: r.region_code })),
      );
    },

    async listRegions(): Promise<Region[]> {
      const rows = await uow.db().selectFrom('regions').selectAll().orderBy('code').execute();
      return rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, parentCode: r.parent_code }));
    },

    /** The region and its ancestors, province first. */
    async regionPath(code: string): Promise<Region[]> {
      const all = new Map((await this.listRegions()).map((r) => [r.code, r]));
      const path: Region[] = [];
      for (let r = all.get(code); r; r = r.parentCode ? all.get(r.parentCode) : undefined) path.unshift(r);
      return path;
    },

    async listSites(): Promise<(Site & { demo: boolean })[]> {
      const rows = await uow.db().selectFrom('sites').selectAll().orderBy('code').execute();
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        role: r.role,
        regionCode: r.region_code,
        demo: r.demo === 1,
      }));
    },

    /** How many departments the viewer may see sit directly in each region, by region code. */
    countsByRegion(viewer: Principal): Promise<Map<string, number>> {
      return countsBy(viewer, 'region_code');
    },

    async countsByLevel(viewer: Principal): Promise<Record<DepartmentLevel, number>> {
      const counts = await countsBy(viewer, 'level');
      return {
        provincial: counts.get('provincial') ?? 0,
        city: counts.get('city') ?? 0,
        county: counts.get('county') ?? 0,
      };
    },
  };

  /** How many departments the viewer may see, per value of one column. */
  async function countsBy(viewer: Principal, column: 'level' | 'region_code'): Promise<Map<string, number>> {
    const rows = await uow
      .db()
      .selectFrom('departments')
      .where(matching(viewer, {}))
      .select([`departments.${column} as key`, (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(`departments.${column}`)
      .execute();
    return new Map(rows.map((r) => [String(r.key), Number(r.n)]));
  }

  async function validDepartment(raw: unknown) {
    const parsed = departmentBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const { region: regionCode, ...rest } = parsed.data;
    const input = { ...rest, regionCode };
    const region = await uow
      .db()
      .selectFrom('regions')
      .select(['code', 'kind'])
      .where('code', '=', regionCode)
      .executeTakeFirst();
    if (!region) throw new Invalid([{ field: 'region', rule: 'unknown_region' }]);
    if (!levelMatchesRegion(input.level, region.kind as RegionKind)) {
      throw new Invalid([{ field: 'level', rule: 'level_region_mismatch' }]);
    }
    return input;
  }
}

type Row = {
  code: string;
  name: string;
  level: DepartmentLevel;
  region_code: string;
  demo: number;
  region_name: string;
};

function toView(r: Row): DepartmentView {
  return {
    code: r.code,
    name: r.name,
    level: r.level,
    region: r.region_code,
    regionName: r.region_name,
    demo: r.demo === 1,
  };
}

function sortValue(d: DepartmentView, sort: DepartmentSort): string {
  return d[sort];
}
