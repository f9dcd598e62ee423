import { backstageCatalog } from '../../core/backstage-catalog.ts';
import { Invalid } from '../../core/errors.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { SystemInput } from '../../core/system-input.ts';
import { formatSystemsCsv, parseSystemsCsv, type SystemCsvError } from '../../core/systems-csv.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { dependencyGraph, lockDependencyGraph, systemColumns } from './system-catalogue.ts';
import type { SystemQuery, systemList } from './system-list.ts';
import type { SystemView } from './system-views.ts';

export type SystemImportOutcome = { created: number; updated: number };

/** A refused import: every bad line, as field problems named `line N: field` for the API. */
export class SystemImportRejected extends Invalid {
  readonly lines: SystemCsvError[];
  constructor(lines: SystemCsvError[]) {
    super(
      lines.map((l) => ({
        field: `line ${l.line}${l.field ? `: ${l.field}` : ''}`,
        rule: l.rule,
        params: {
          value: l.value,
          ...(l.detail?.otherLine ? { otherLine: l.detail.otherLine } : {}),
          ...(l.detail?.code ? { code: l.detail.code } : {}),
          ...(l.detail?.cycle ? { cycle: l.value } : {}),
        },
      })),
      'import_has_errors',
    );
    this.lines = lines;
  }
}

const chunkSize = 300;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

/**
 * The inventory in and out in bulk: CSV import (all lines or none; a department user's lines
 * must all be their department's), CSV export and the Backstage catalogue of what the viewer sees.
 */
export function systemTransfer({
  uow,
  now,
  list,
}: {
  uow: UnitOfWork;
  now: () => Date;
  list: ReturnType<typeof systemList>;
}) {
  async function withDependencies(systems: SystemView[]): Promise<SystemInput[]> {
    const graph = await dependencyGraph(uow);
    return systems.map((s) => ({ ...s, dependsOn: graph.get(s.code) ?? [] }));
  }

  async function importCsv(p: Principal, text: string): Promise<SystemImportOutcome> {
    return uow.inTransaction(async () => {
      const db = uow.db();
      await lockDependencyGraph(uow);
      const [departments, sites, owners, graph] = [
        await db.selectFrom('departments').select('code').execute(),
        await db.selectFrom('sites').select('code').execute(),
        await db.selectFrom('systems').select(['code', 'department_code']).execute(),
        await dependencyGraph(uow),
      ];
      const parsed = parseSystemsCsv(text, {
        departments: new Set(departments.map((d) => d.code)),
        sites: new Set(sites.map((s) => s.code)),
        graph,
        owners: new Map(owners.map((o) => [o.code, o.department_code])),
        scope: isScoped(p) ? (p.department ?? '') : null,
      });
      if (!parsed.ok) throw new SystemImportRejected(parsed.errors);
      const at = now().toISOString();
      const fresh = parsed.systems.filter((s) => !graph.has(s.code));
      const known = parsed.systems.filter((s) => graph.has(s.code));
      for (const part of chunks(fresh)) {
        await db
          .insertInto('systems')
          .values(
            part.map((s) => ({
              code: s.code,
              ...systemColumns(s),
              version: 1,
              demo: 0,
              created_at: at,
              updated_at: at,
            })),
          )
          .execute();
      }
      for (const s of known) {
        await db
          .updateTable('systems')
          .set((eb) => ({ ...systemColumns(s), version: eb('version', '+', 1), updated_at: at }))
          .where('code', '=', s.code)
          .execute();
      }
      // Each imported line's dependencies replace what the system had; systems not in the file keep theirs.
      for (const part of chunks(parsed.systems.map((s) => s.code))) {
        await db.deleteFrom('system_dependencies').where('system_code', 'in', part).execute();
      }
      const edges = parsed.systems.flatMap((s) =>
        s.dependsOn.map((d) => ({ system_code: s.code, depends_on_code: d })),
      );
      for (const part of chunks(edges)) await db.insertInto('system_dependencies').values(part).execute();
      return { created: fresh.length, updated: known.length };
    });
  }

  /** The systems matching the filters as CSV, in the columns the import reads. */
  async function exportCsv(p: Principal, f: SystemQuery): Promise<string> {
    return formatSystemsCsv(await withDependencies(await list.all(p, f)));
  }

  /** The systems matching the filters and their departments as Backstage entities. */
  async function catalogInfo(p: Principal, f: SystemQuery): Promise<string> {
    const systems = await list.all(p, f);
    const departments = new Map(
      systems.map((s) => [s.department, { code: s.department, name: s.departmentName, level: s.departmentLevel }]),
    );
    return backstageCatalog([...departments.values()], await withDependencies(systems));
  }

  return { importCsv, exportCsv, catalogInfo };
}
