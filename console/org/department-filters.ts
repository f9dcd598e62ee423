import { type Expression, type ExpressionBuilder, expressionBuilder, type SqlBool } from 'kysely';
import { contains } from '../store/contains.ts';
import type { Database } from '../store/schema.ts';

/** The codes of a region and everything below it (a city's counties, the province's cities and counties). */
export function regionAndBelow(region: string) {
  return expressionBuilder<Database, never>()
    .selectFrom('regions')
    .select('regions.code')
    .where((r) =>
      r.or([
        r('regions.code', '=', region),
        r('regions.parent_code', '=', region),
        r(
          'regions.parent_code',
          'in',
          r.selectFrom('regions as r2').select('r2.code').where('r2.parent_code', '=', region),
        ),
      ]),
    );
}

/** "Departments in this region": the region itself and everything below it, as region selects mean it. */
export function inRegion(eb: ExpressionBuilder<Database, 'departments'>, region: string): Expression<SqlBool> {
  return eb('departments.region_code', 'in', regionAndBelow(region));
}

/** "Departments whose name or code contains this text", as every list's search box means it. */
export function matchesDepartment(eb: ExpressionBuilder<Database, 'departments'>, text: string): Expression<SqlBool> {
  return eb.or([contains('departments.name', text), contains('departments.code', text)]);
}
