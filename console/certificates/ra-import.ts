import { sql } from 'kysely';
import { Invalid } from '../../core/errors.ts';
import type { FieldProblem } from '../../core/errors.ts';
import { parseRaCertificatesCsv, raAcceptedValues, type RaCsvError } from '../../core/ra-certificates-csv.ts';
import type { RaCertificatesTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

export type RaImportOutcome = { imported: number; created: number; updated: number };

/** How many refused lines an answer names; a wholly wrong file would otherwise answer megabytes. */
export const maxReportedProblems = 500;

const maximum: Partial<Record<string, number>> = { serial: 80, common_name: 200 };

/** One refused line as a field problem: `line 12: not_after`, its rule, and what its message names. */
export function raLineProblem(l: RaCsvError): FieldProblem {
  const values = (raAcceptedValues as Record<string, readonly string[]>)[l.field];
  return {
    field: `line ${l.line}${l.field ? `: ${l.field}` : ''}`,
    rule: l.rule,
    params: {
      value: l.value,
      ...(values ? { values: values.join(', ') } : {}),
      ...(maximum[l.field] ? { maximum: maximum[l.field]! } : {}),
      ...(l.detail?.otherLine ? { otherLine: l.detail.otherLine } : {}),
    },
  };
}

/** An RA file with bad lines: nothing was stored; the first lines' problems are listed. */
export class RaImportRejected extends Invalid {
  readonly lines: RaCsvError[];
  readonly errorCount: number;
  constructor(lines: RaCsvError[]) {
    const shown = lines.slice(0, maxReportedProblems);
    super(shown.map(raLineProblem), 'ra_import_has_errors');
    this.lines = shown;
    this.errorCount = lines.length;
    this.with({ errors: lines.length, lines: new Set(lines.map((l) => l.line)).size });
  }
}

// 9 columns × 1,000 rows = 9,000 bound parameters per statement: 19 statements for 18,678 rows.
const rowsPerStatement = 1000;

/**
 * The RA's list of issued certificates, from its CSV export: every line good, or nothing stored
 * and every bad line reported. Rows are upserted by serial in the caller's transaction, in
 * chunks, so the province's 18,678 certificates import in one request.
 */
export function createRaImport({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  return async function importRaCertificates(csv: string): Promise<RaImportOutcome> {
    const db = uow.db();
    const departments = new Set((await db.selectFrom('departments').select('code').execute()).map((d) => d.code));
    const parsed = parseRaCertificatesCsv(csv, departments);
    if (!parsed.ok) throw new RaImportRejected(parsed.errors);
    const at = now().toISOString();
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('ra_certificates')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (let i = 0; i < parsed.certificates.length; i += rowsPerStatement) {
      const rows = parsed.certificates.slice(i, i + rowsPerStatement).map((c): RaCertificatesTable => ({
        serial: c.serial,
        common_name: c.commonName,
        department_code: c.department,
        holder_kind: c.holderKind,
        algorithm_family: c.algorithmFamily,
        not_before: c.notBefore,
        not_after: c.notAfter,
        status: c.status,
        imported_at: at,
      }));
      await db
        .insertInto('ra_certificates')
        .values(rows)
        .onConflict((oc) =>
          oc.column('serial').doUpdateSet({
            common_name: sql.ref('excluded.common_name'),
            department_code: sql.ref('excluded.department_code'),
            holder_kind: sql.ref('excluded.holder_kind'),
            algorithm_family: sql.ref('excluded.algorithm_family'),
            not_before: sql.ref('excluded.not_before'),
            not_after: sql.ref('excluded.not_after'),
            status: sql.ref('excluded.status'),
            imported_at: sql.ref('excluded.imported_at'),
          }),
        )
        .execute();
    }
    const created = (await count()) - before;
    const imported = parsed.certificates.length;
    return { imported, created, updated: imported - created };
  };
}
