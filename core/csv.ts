// RFC 4180 CSV, as exchanged with operators' spreadsheets (mostly Excel on Chinese Windows).

const bom = '\uFEFF';

export const csvSyntaxReasons = ['unterminated_quote', 'text_after_quote'] as const;
export type CsvSyntaxReason = (typeof csvSyntaxReasons)[number];

/** A CSV text that cannot be split into fields; `line` is the 1-based physical line. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  readonly reason: CsvSyntaxReason;
  constructor(reason: CsvSyntaxReason, line: number) {
    super(`CSV ${reason.replace(/_/g, ' ')} on line ${line}`);
    this.name = 'CsvSyntaxError';
    this.reason = reason;
    this.line = line;
  }
}

/** One parsed row and the physical line of the file it starts on. */
export type CsvRow = { line: number; fields: string[] };

/** Split CSV text into rows, remembering where each row starts; throws CsvSyntaxError. */
export function parseCsvRows(text: string): CsvRow[] {
  const src = text.startsWith(bom) ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let line = 1;
  let rowLine = 1;
  let fields: string[] = [];
  let field = '';
  let i = 0;

  const endRow = () => {
    fields.push(field);
    rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  // A line break is CRLF, LF or a lone CR; returns its length at `at`, or 0.
  const breakAt = (at: number): number => {
    if (src[at] === '\r') return src[at + 1] === '\n' ? 2 : 1;
    return src[at] === '\n' ? 1 : 0;
  };

  while (i < src.length) {
    const ch = src[i];
    if (ch === '"' && field === '') {
      // A quoted field: runs to the next quote not doubled, newlines included.
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvSyntaxError('unterminated_quote', quoteLine);
        if (src[i] === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        const nl = breakAt(i);
        if (nl > 0) line++;
        field += src.slice(i, i + Math.max(nl, 1));
        i += Math.max(nl, 1);
      }
      if (i < src.length && src[i] !== ',' && breakAt(i) === 0) throw new CsvSyntaxError('text_after_quote', line);
      // At end of text, close the row here: an empty quoted field is still a field.
      if (i >= src.length) {
        endRow();
        return rows;
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    const nl = breakAt(i);
    if (nl > 0) {
      endRow();
      i += nl;
      line++;
      rowLine = line;
      continue;
    }
    // Quotes inside an unquoted field are kept literally, as Excel does.
    field += ch;
    i++;
  }
  // Text ending in a line break leaves nothing pending: no phantom empty row.
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** Parse RFC 4180 CSV (BOM, quotes, CRLF/LF) into rows of fields; throws CsvSyntaxError. */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((row) => row.fields);
}

/** Characters that make Excel, WPS or LibreOffice treat a cell as a formula (OWASP CSV injection). */
export const formulaTriggers = ['=', '+', '-', '@', '\t', '\r'] as const;

const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Prefix an apostrophe to a field a spreadsheet would run as a formula; numbers like -5 stay. */
export function neutraliseFormula(field: string): string {
  const first = field[0];
  if (first === undefined) return field;
  if (!(formulaTriggers as readonly string[]).includes(first)) return field;
  if (plainNumber.test(field)) return field;
  return `'${field}`;
}

/**
 * Undoes `neutraliseFormula` when a file comes back: an apostrophe followed by a formula
 * trigger is the one this module (or Excel) added, so an exported file re-imports unchanged.
 */
export function restoreFormula(field: string): string {
  const second = field[1];
  return field[0] === "'" && second !== undefined && (formulaTriggers as readonly string[]).includes(second)
    ? field.slice(1)
    : field;
}

function quoteField(field: string): string {
  if (/[",\r\n]|^\s|\s$/.test(field)) return `"${field.replace(/"/g, '""')}"`;
  return field;
}

/** Format rows as CSV for Excel: UTF-8 BOM, CRLF line ends, formula cells neutralised. */
export function formatCsv(rows: string[][]): string {
  const lines = rows.map((row) => row.map((field) => quoteField(neutraliseFormula(field))).join(','));
  return bom + lines.map((l) => `${l}\r\n`).join('');
}

/** A data row keyed by header name; `line` is the physical line the record starts on. */
export type CsvRecord = { line: number; values: Record<string, string> };

/** Parse CSV whose first row is a header into records; blank lines are skipped. */
export function csvRecords(text: string): {
  header: string[];
  records: CsvRecord[];
} {
  const [head, ...rest] = parseCsvRows(text);
  if (head === undefined) return { header: [], records: [] };
  const header = head.fields.map((name) => name.trim());
  const records: CsvRecord[] = [];
  for (const row of rest) {
    if (row.fields.length === 1 && row.fields[0] === '') continue;
    // fromEntries defines own properties, so a "__proto__" header stays an ordinary key.
    const values: Record<string, string> = Object.fromEntries(
      header.map((name, col) => [name, restoreFormula(row.fields[col] ?? '')]),
    );
    records.push({ line: row.line, values });
  }
  return { header, records };
}

/** A problem on one line of an import, as every CSV import reports it (field '' for the whole line). */
export type CsvLineProblem = { line: number; field: string; rule: string; value: string };

/**
 * A CSV import's file read as records with its header mapped by the import's own `readHeader`.
 * Broken quoting or a bad header ends it there: those problems come back as the file's only
 * errors, since no line can be read against a header that does not hold.
 */
export function csvTable<Columns, Problem extends CsvLineProblem>(
  text: string,
  readHeader: (header: string[]) => { columns: Columns; errors: Problem[] },
): { ok: true; columns: Columns; records: CsvRecord[] } | { ok: false; errors: Problem[] } {
  let parsed: ReturnType<typeof csvRecords>;
  try {
    parsed = csvRecords(text);
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    return { ok: false, errors: [{ line: e.line, field: '', rule: e.reason, value: '' } as Problem] };
  }
  const { columns, errors } = readHeader(parsed.header);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, columns, records: parsed.records };
}
