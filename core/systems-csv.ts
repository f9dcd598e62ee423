// Bulk import and export of department systems as CSV, in English or Chinese headers, so a
// department can load the inventory it keeps in a spreadsheet. All lines or none: every bad line
// is reported with its field and rule, the dependencies checked across the file and the store.
import { csvTable, formatCsv } from './csv.ts';
import type { HostingKind, SystemNetwork } from './dr.ts';
import { cycleText, type DependencyGraph, findDependencyCycle } from './system-dependencies.ts';
import { hostingProblems, type SystemInput, systemCode, systemFields } from './system-input.ts';

export const systemCsvColumns = [
  'code',
  'name',
  'department',
  'description',
  'mlpsLevel',
  'network',
  'hosting',
  'hostingSite',
  'dataVolumeGiB',
  'rpoSeconds',
  'rtoSeconds',
  'targetDrLevel',
  'dependsOn',
] as const;
export type SystemCsvColumn = (typeof systemCsvColumns)[number];

/** Columns a file must have; the rest default (no level, no site, no targets, no dependencies). */
const requiredColumns: readonly SystemCsvColumn[] = ['code', 'name', 'department', 'network', 'hosting'];

/** Header names, compared folded (lower case, no spaces, _ or -, ASCII parentheses). */
// Maps, not object literals: a header cell named "constructor" must not find Object.prototype.
const headerAliases = new Map<string, SystemCsvColumn>([
  ...systemCsvColumns.map((c) => [fold(c), c] as const),
  ['编码', 'code'],
  ['系统编码', 'code'],
  ['名称', 'name'],
  ['系统名称', 'name'],
  ['部门', 'department'],
  ['所属部门', 'department'],
  ['部门编码', 'department'],
  ['描述', 'description'],
  ['系统描述', 'description'],
  ['说明', 'description'],
  ['mlps', 'mlpsLevel'],
  ['等保级别', 'mlpsLevel'],
  ['等保等级', 'mlpsLevel'],
  ['等级保护级别', 'mlpsLevel'],
  ['网络', 'network'],
  ['所在网络', 'network'],
  ['部署方式', 'hosting'],
  ['承载方式', 'hosting'],
  ['部署站点', 'hostingSite'],
  ['云站点', 'hostingSite'],
  ['datavolume(gib)', 'dataVolumeGiB'],
  ['数据量(gib)', 'dataVolumeGiB'],
  ['数据量', 'dataVolumeGiB'],
  ['rpo', 'rpoSeconds'],
  ['rpo(秒)', 'rpoSeconds'],
  ['恢复点目标(秒)', 'rpoSeconds'],
  ['rto', 'rtoSeconds'],
  ['rto(秒)', 'rtoSeconds'],
  ['恢复时间目标(秒)', 'rtoSeconds'],
  ['目标灾备等级', 'targetDrLevel'],
  ['灾备等级目标', 'targetDrLevel'],
  ['依赖', 'dependsOn'],
  ['依赖系统', 'dependsOn'],
]);

const networkAliases = new Map<string, SystemNetwork>([
  ['extranet', 'extranet'],
  ['电子政务外网', 'extranet'],
  ['政务外网', 'extranet'],
  ['internet', 'internet'],
  ['互联网', 'internet'],
  ['private', 'private'],
  ['业务专网', 'private'],
  ['专网', 'private'],
]);

const hostingAliases = new Map<string, HostingKind>([
  ['own-machine-room', 'own-machine-room'],
  ['自建机房', 'own-machine-room'],
  ['本单位机房', 'own-machine-room'],
  ['cloud', 'cloud'],
  ['政务云', 'cloud'],
]);

/** Levels written the Chinese way: 三级, 第三级. */
const chineseLevels = new Map(['一', '二', '三', '四', '五', '六'].map((n, i) => [n, i + 1]));

function fold(name: string): string {
  return name
    .toLowerCase()
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/[\s_-]/g, '');
}

/** Why a line was refused: `rule` is a stable identifier the console translates. */
export type SystemCsvError = {
  line: number;
  field: SystemCsvColumn | '';
  rule: string;
  value: string;
  detail?: { otherLine?: number; code?: string; cycle?: string[] };
};

export type SystemsCsvResult = { ok: true; systems: SystemInput[] } | { ok: false; errors: SystemCsvError[] };

/** What the store already holds, for the references a line makes. */
export type SystemsCsvContext = {
  departments: ReadonlySet<string>;
  sites: ReadonlySet<string>;
  /** Every stored system's dependencies (keys: every stored system). */
  graph: DependencyGraph;
  /** Stored systems' departments, so a department user cannot take over another's code. */
  owners: ReadonlyMap<string, string>;
  /** A department user's department: every line must belong to it. */
  scope: string | null;
};

type HeaderMap = Partial<Record<SystemCsvColumn, string>>;

function readHeader(header: string[]): { columns: HeaderMap; errors: SystemCsvError[] } {
  const columns: HeaderMap = {};
  const errors: SystemCsvError[] = [];
  for (const name of header) {
    const column = headerAliases.get(fold(name));
    if (column === undefined) errors.push({ line: 1, field: '', rule: 'unknown_column', value: name });
    else if (columns[column] !== undefined)
      errors.push({ line: 1, field: column, rule: 'duplicate_column', value: name });
    else columns[column] = name;
  }
  for (const column of requiredColumns) {
    if (columns[column] === undefined) errors.push({ line: 1, field: column, rule: 'missing_column', value: '' });
  }
  return { columns, errors };
}

/** A whole number cell: blank is "not given" (undefined), anything but digits is NaN (refused). */
function wholeNumber(cell: string): number | undefined {
  if (cell === '') return undefined;
  const level = cell.replace(/^第/, '').replace(/级$/, '');
  const chinese = chineseLevels.get(level);
  if (chinese !== undefined) return chinese;
  return /^\d{1,15}$/.test(cell) ? Number(cell) : Number.NaN;
}

/** Dependencies are codes separated by semicolons (ASCII or full-width). */
export function splitDependsOn(cell: string): string[] {
  return [
    ...new Set(
      cell
        .split(/[;；]/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
}

const numberColumns = ['mlpsLevel', 'dataVolumeGiB', 'rpoSeconds', 'rtoSeconds', 'targetDrLevel'] as const;

/** Parse and validate a systems CSV; every bad line is reported, nothing is half-imported. */
export function parseSystemsCsv(text: string, ctx: SystemsCsvContext): SystemsCsvResult {
  const table = csvTable(text, readHeader);
  if (!table.ok) return table;
  const { columns } = table;

  const errors: SystemCsvError[] = [];
  const systems: SystemInput[] = [];
  const lineOf = new Map<string, number>();

  for (const { line, values } of table.records) {
    const raw = (column: SystemCsvColumn) => (values[columns[column] ?? ''] ?? '').trim();
    const lineErrors: SystemCsvError[] = [];
    const refuse = (field: SystemCsvColumn, rule: string, detail?: SystemCsvError['detail']) =>
      lineErrors.push({ line, field, rule, value: raw(field), ...(detail ? { detail } : {}) });

    const numbers: Partial<Record<(typeof numberColumns)[number], number | null>> = {};
    for (const column of numberColumns) {
      const n = wholeNumber(raw(column));
      if (Number.isNaN(n)) refuse(column, 'whole_number');
      else if (n !== undefined) numbers[column] = n;
    }
    const rawNetwork = raw('network');
    const rawHosting = raw('hosting');
    const result = systemFields.safeParse({
      code: raw('code'),
      name: raw('name'),
      department: raw('department'),
      description: raw('description'),
      network: networkAliases.get(rawNetwork.toLowerCase()) ?? rawNetwork,
      hosting: hostingAliases.get(rawHosting.toLowerCase()) ?? rawHosting,
      hostingSite: raw('hostingSite') || null,
      ...numbers,
    });
    const dependsOn = splitDependsOn(raw('dependsOn'));
    if (dependsOn.some((c) => !systemCode.safeParse(c).success)) refuse('dependsOn', 'invalid_format');

    if (!result.success) {
      const seen = new Set<string>(lineErrors.map((e) => e.field));
      for (const issue of result.error.issues) {
        const column = systemCsvColumns.find((c) => c === issue.path[0]);
        // One message per cell is enough; zod may find several faults in it.
        if (column === undefined || seen.has(column)) continue;
        seen.add(column);
        refuse(column, raw(column) === '' ? 'required' : issue.code);
      }
    } else if (lineErrors.length === 0) {
      const s = result.data;
      for (const p of hostingProblems(s)) refuse(p.field as SystemCsvColumn, p.rule);
      if (!ctx.departments.has(s.department)) refuse('department', 'unknown_department');
      else if (ctx.scope !== null && s.department !== ctx.scope) refuse('department', 'outside_department');
      const owner = ctx.owners.get(s.code);
      if (ctx.scope !== null && owner !== undefined && owner !== ctx.scope) refuse('code', 'outside_department');
      if (s.hostingSite !== null && !ctx.sites.has(s.hostingSite)) refuse('hostingSite', 'unknown_site');
      if (lineErrors.length === 0) systems.push({ ...s, dependsOn });
    }

    // Duplicates are checked on any well-formed code, even when the rest of the line is bad.
    const code = raw('code');
    if (systemCode.safeParse(code).success) {
      const otherLine = lineOf.get(code);
      if (otherLine === undefined) lineOf.set(code, line);
      else refuse('code', 'duplicate', { otherLine });
    }
    errors.push(...lineErrors);
  }
  if (errors.length > 0) return { ok: false, errors };

  // References across the file and the store: every dependency names a system, and no cycle.
  const graph = new Map(ctx.graph);
  for (const s of systems) graph.set(s.code, s.dependsOn);
  for (const s of systems) {
    for (const code of s.dependsOn) {
      if (!graph.has(code)) {
        errors.push({
          line: lineOf.get(s.code)!,
          field: 'dependsOn',
          rule: 'unknown_system',
          value: code,
          detail: { code },
        });
      }
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const cycle = findDependencyCycle(
    graph,
    systems.map((s) => s.code),
  );
  if (cycle) {
    // The cycle passes through at least one line of the file (the stored graph has none).
    const line = cycle.map((c) => lineOf.get(c)).find((l) => l !== undefined) ?? 1;
    return {
      ok: false,
      errors: [{ line, field: 'dependsOn', rule: 'dependency_cycle', value: cycleText(cycle), detail: { cycle } }],
    };
  }
  return { ok: true, systems };
}

/** Export systems as CSV with the English header the import reads back unchanged. */
export function formatSystemsCsv(systems: readonly SystemInput[]): string {
  const cell = (n: number | null) => (n === null ? '' : String(n));
  return formatCsv([
    [...systemCsvColumns],
    ...systems.map((s) => [
      s.code,
      s.name,
      s.department,
      s.description,
      cell(s.mlpsLevel),
      s.network,
      s.hosting,
      s.hostingSite ?? '',
      String(s.dataVolumeGiB),
      cell(s.rpoSeconds),
      cell(s.rtoSeconds),
      cell(s.targetDrLevel),
      s.dependsOn.join(';'),
    ]),
  ]);
}
