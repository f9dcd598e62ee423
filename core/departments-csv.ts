// Bulk import and export of departments as CSV, in English or Chinese headers, so a province
// can load its 委办局 list from the spreadsheet it already keeps.
import { csvTable, formatCsv } from './csv.ts';
import {
  type Department,
  type DepartmentLevel,
  departmentInput,
  levelMatchesRegion,
  type Region,
  type RegionKind,
  regionKindForDepartmentLevel,
} from './org.ts';

export const departmentCsvColumns = ['code', 'name', 'level', 'region'] as const;
export type DepartmentCsvColumn = (typeof departmentCsvColumns)[number];

/** Header names accepted for each column; English is matched case-insensitively. */
// Maps, not object literals: a header cell named "constructor" must not find Object.prototype.
const headerAliases = new Map<string, DepartmentCsvColumn>([
  ['code', 'code'],
  ['name', 'name'],
  ['level', 'level'],
  ['region', 'region'],
  ['编码', 'code'],
  ['名称', 'name'],
  ['级别', 'level'],
  ['所属区划', 'region'],
]);

/** Level values accepted in the level column; English is matched case-insensitively. */
const levelAliases = new Map<string, DepartmentLevel>([
  ['provincial', 'provincial'],
  ['city', 'city'],
  ['county', 'county'],
  ['省级', 'provincial'],
  ['市级', 'city'],
  ['县级', 'county'],
]);

/** Why a line was refused: `rule` is a stable identifier the console translates. */
export type DepartmentCsvError = {
  line: number;
  field: DepartmentCsvColumn | '';
  rule: string;
  value: string;
  detail?: {
    otherLine?: number;
    regionKind?: RegionKind;
    expectedRegionKind?: RegionKind;
  };
};

export type DepartmentsCsvResult =
  { ok: true; departments: Department[] } | { ok: false; errors: DepartmentCsvError[] };

type HeaderMap = Partial<Record<DepartmentCsvColumn, string>>;

function readHeader(header: string[]): {
  columns: HeaderMap;
  errors: DepartmentCsvError[];
} {
  const columns: HeaderMap = {};
  const errors: DepartmentCsvError[] = [];
  for (const name of header) {
    const column = headerAliases.get(name.toLowerCase());
    if (column === undefined) {
      errors.push({ line: 1, field: '', rule: 'unknown_column', value: name });
    } else if (columns[column] !== undefined) {
      errors.push({
        line: 1,
        field: column,
        rule: 'duplicate_column',
        value: name,
      });
    } else {
      columns[column] = name;
    }
  }
  for (const column of departmentCsvColumns) {
    if (columns[column] === undefined) {
      errors.push({ line: 1, field: column, rule: 'missing_column', value: '' });
    }
  }
  return { columns, errors };
}

const fieldToColumn = new Map<PropertyKey | undefined, DepartmentCsvColumn>([
  ['code', 'code'],
  ['name', 'name'],
  ['level', 'level'],
  ['regionCode', 'region'],
]);

/** Parse and validate a departments CSV; every bad line is reported, nothing is half-imported. */
export function parseDepartmentsCsv(text: string, regions: Map<string, Region>): DepartmentsCsvResult {
  const table = csvTable(text, readHeader);
  if (!table.ok) return table;
  const { columns } = table;

  const errors: DepartmentCsvError[] = [];
  const departments: Department[] = [];
  const firstLineOfCode = new Map<string, number>();

  for (const { line, values } of table.records) {
    const raw = (column: DepartmentCsvColumn) => (values[columns[column] ?? ''] ?? '').trim();
    const rawLevel = raw('level');
    const lineErrors: DepartmentCsvError[] = [];
    const result = departmentInput.safeParse({
      code: raw('code'),
      name: raw('name'),
      level: levelAliases.get(rawLevel.toLowerCase()) ?? rawLevel,
      regionCode: raw('region'),
    });

    if (!result.success) {
      const seen = new Set<DepartmentCsvColumn>();
      for (const issue of result.error.issues) {
        const column = fieldToColumn.get(issue.path[0]);
        // One message per cell is enough; zod may find several faults in it.
        if (column === undefined || seen.has(column)) continue;
        seen.add(column);
        lineErrors.push({ line, field: column, rule: issue.code, value: raw(column) });
      }
    } else {
      const dept = result.data;
      const region = regions.get(dept.regionCode);
      if (region === undefined) {
        lineErrors.push({ line, field: 'region', rule: 'unknown_region', value: dept.regionCode });
      } else if (!levelMatchesRegion(dept.level, region.kind)) {
        lineErrors.push({
          line,
          field: 'level',
          rule: 'level_region_mismatch',
          value: rawLevel,
          detail: {
            regionKind: region.kind,
            expectedRegionKind: regionKindForDepartmentLevel(dept.level),
          },
        });
      }
      if (lineErrors.length === 0) departments.push(dept);
    }

    // Duplicates are checked on any well-formed code, even when the rest of the line is bad.
    const code = raw('code');
    if (departmentInput.shape.code.safeParse(code).success) {
      const otherLine = firstLineOfCode.get(code);
      if (otherLine === undefined) firstLineOfCode.set(code, line);
      else lineErrors.push({ line, field: 'code', rule: 'duplicate', value: code, detail: { otherLine } });
    }
    errors.push(...lineErrors);
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, departments };
}

/** Export departments as CSV with the English header `code,name,level,region`. */
export function formatDepartmentsCsv(departments: Department[]): string {
  return formatCsv([[...departmentCsvColumns], ...departments.map((d) => [d.code, d.name, d.level, d.regionCode])]);
}
