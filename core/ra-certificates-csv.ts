// The RA's list of issued certificates, as its CSV export gives it (English or Chinese headers),
// so the console can set what should exist beside what agents see. Personal holders' names are
// dropped here, before anything is stored: only server certificates keep a common name.
import type { AlgorithmFamily } from './cert-windows.ts';
import { csvTable } from './csv.ts';

export const raCsvColumns = [
  'serial',
  'common_name',
  'department',
  'holder_kind',
  'algorithm',
  'not_before',
  'not_after',
  'status',
] as const;
export type RaCsvColumn = (typeof raCsvColumns)[number];

/** Columns a file may leave out: a name and a department are not always in an RA's export. */
const optionalColumns: ReadonlySet<RaCsvColumn> = new Set(['common_name', 'department']);

export const raHolderKinds = ['personal', 'server'] as const;
export type RaHolderKind = (typeof raHolderKinds)[number];
export const raStatuses = ['issued', 'revoked'] as const;
export type RaStatus = (typeof raStatuses)[number];

/** One certificate the RA issued, ready to store. */
export type RaCertificate = {
  /** Uppercase hex of the serial's octets, leading zero octets dropped (as agents report it). */
  serial: string;
  /** Server certificates only; always null for personal holders. */
  commonName: string | null;
  department: string | null;
  holderKind: RaHolderKind;
  algorithmFamily: AlgorithmFamily;
  notBefore: string;
  notAfter: string;
  status: RaStatus;
};

/** Why a line was refused: `rule` is a stable identifier the console translates. */
export type RaCsvError = {
  line: number;
  field: RaCsvColumn | '';
  rule: string;
  value: string;
  detail?: { otherLine?: number };
};

export type RaCsvResult = { ok: true; certificates: RaCertificate[] } | { ok: false; errors: RaCsvError[] };

// Maps, not object literals: a header cell named "constructor" must not find Object.prototype.
// English names are compared lower-case with spaces, underscores and hyphens folded to one space.
const headerAliases = new Map<string, RaCsvColumn>([
  ['serial', 'serial'],
  ['serial number', 'serial'],
  ['serialnumber', 'serial'],
  ['sn', 'serial'],
  ['序列号', 'serial'],
  ['证书序列号', 'serial'],
  ['common name', 'common_name'],
  ['commonname', 'common_name'],
  ['cn', 'common_name'],
  ['证书名称', 'common_name'],
  ['通用名', 'common_name'],
  ['通用名称', 'common_name'],
  ['department', 'department'],
  ['department code', 'department'],
  ['部门代码', 'department'],
  ['部门编码', 'department'],
  ['单位代码', 'department'],
  ['holder kind', 'holder_kind'],
  ['holder type', 'holder_kind'],
  ['holder', 'holder_kind'],
  ['持有者类型', 'holder_kind'],
  ['证书类型', 'holder_kind'],
  ['algorithm', 'algorithm'],
  ['key algorithm', 'algorithm'],
  ['算法', 'algorithm'],
  ['密钥算法', 'algorithm'],
  ['证书算法', 'algorithm'],
  ['not before', 'not_before'],
  ['notbefore', 'not_before'],
  ['valid from', 'not_before'],
  ['生效日期', 'not_before'],
  ['生效时间', 'not_before'],
  ['not after', 'not_after'],
  ['notafter', 'not_after'],
  ['valid to', 'not_after'],
  ['失效日期', 'not_after'],
  ['失效时间', 'not_after'],
  ['到期日期', 'not_after'],
  ['status', 'status'],
  ['状态', 'status'],
  ['证书状态', 'status'],
]);

const holderAliases = new Map<string, RaHolderKind>([
  ['personal', 'personal'],
  ['person', 'personal'],
  ['individual', 'personal'],
  ['个人', 'personal'],
  ['个人证书', 'personal'],
  ['server', 'server'],
  ['device', 'server'],
  ['设备', 'server'],
  ['服务器', 'server'],
  ['设备证书', 'server'],
  ['服务器证书', 'server'],
]);

const statusAliases = new Map<string, RaStatus>([
  ['issued', 'issued'],
  ['valid', 'issued'],
  ['active', 'issued'],
  ['正常', 'issued'],
  ['有效', 'issued'],
  ['已签发', 'issued'],
  ['已发放', 'issued'],
  ['revoked', 'revoked'],
  ['吊销', 'revoked'],
  ['已吊销', 'revoked'],
  ['注销', 'revoked'],
  ['已注销', 'revoked'],
  ['作废', 'revoked'],
  ['已作废', 'revoked'],
]);

/** The values each enumerated column accepts, for the message that lists them. */
export const raAcceptedValues = {
  holder_kind: [...holderAliases.keys()],
  status: [...statusAliases.keys()],
  algorithm: ['SM2', 'SM2withSM3', 'RSA', 'RSA2048', 'ECDSA', 'ECC', 'P-256', 'Ed25519', 'DSA'],
} as const;

const maxSerialDigits = 80;
const maxCommonName = 200;
const maxEchoedValue = 200;

function headerKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

/**
 * The algorithm family an RA's algorithm text names: `SM2`, `SM2withSM3`, `国密SM2`, `RSA 2048`,
 * `sha256WithRSAEncryption`, `ECDSA`, `ECC`, `P-256`… Returns null for text that names none.
 */
export function raAlgorithmFamilyOf(text: string): AlgorithmFamily | null {
  const t = text.toLowerCase().replace(/[\s_-]+/g, '');
  if (t === '') return null;
  if (t.includes('sm2') || t.includes('国密')) return 'sm2';
  if (t.includes('rsa')) return 'rsa';
  if (/^(ecdsa|ecc|ec|ecdsa.*|p\d{3}|prime\d+v\d|secp\d+r1|ecc\d+)$/.test(t) || t.startsWith('ecdsawith')) {
    return 'ecdsa';
  }
  if (/^(ed25519|ed448|dsa\d*)$/.test(t)) return 'other';
  return null;
}

/**
 * A serial as agents report it: uppercase hex of the octets with leading zero octets dropped.
 * RA exports write serials with colons, spaces, lower case or extra leading zeros; null when the
 * text is not hexadecimal.
 */
export function normaliseSerial(text: string): string | null {
  const hex = text.replace(/[\s:-]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex)) return null;
  const digits = hex.replace(/^0+/, '');
  if (digits === '') return '00';
  return digits.length % 2 === 1 ? `0${digits}` : digits;
}

const dateTime =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An RA date or time as ISO-8601 UTC. A time without a zone is China Standard Time (UTC+8), as a
 * Chinese RA writes it; `2025/3/1` and `2025年3月1日` are read too. Null when it is no real date.
 */
export function parseRaDate(text: string): string | null {
  const src = text
    .trim()
    .replace(/(\d)年(\d)/, '$1-$2')
    .replace(/(\d)月(\d)/, '$1-$2')
    .replace(/(\d)日/, '$1');
  const m = dateTime.exec(src);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = '+08:00'] = m.slice(1);
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  // Date.UTC rolls 31 February over into March; a real date comes back with the same day.
  if (new Date(local).getUTCDate() !== day) return null;
  const z = zone.toUpperCase() === 'Z' ? '+00:00' : zone;
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  return new Date(local - offsetMinutes * 60_000).toISOString();
}

type HeaderMap = Partial<Record<RaCsvColumn, string>>;

function readHeader(header: string[]): { columns: HeaderMap; errors: RaCsvError[] } {
  const columns: HeaderMap = {};
  const errors: RaCsvError[] = [];
  for (const name of header) {
    // Other columns (e-mail, ID numbers…) are left unread: nothing of them is kept.
    const column = headerAliases.get(headerKey(name));
    if (column === undefined) continue;
    if (columns[column] !== undefined) errors.push({ line: 1, field: column, rule: 'duplicate_column', value: name });
    else columns[column] = name;
  }
  for (const column of raCsvColumns) {
    if (columns[column] === undefined && !optionalColumns.has(column)) {
      errors.push({ line: 1, field: column, rule: 'missing_column', value: '' });
    }
  }
  return { columns, errors };
}

/**
 * Parses and checks an RA export: every bad line is reported with its field, and nothing is
 * returned to store unless every line is good. `departments` holds the known department codes.
 */
export function parseRaCertificatesCsv(text: string, departments: ReadonlySet<string>): RaCsvResult {
  const table = csvTable(text, readHeader);
  if (!table.ok) return table;
  const { columns } = table;

  const errors: RaCsvError[] = [];
  const certificates: RaCertificate[] = [];
  const firstLineOfSerial = new Map<string, number>();

  for (const { line, values } of table.records) {
    const raw = (column: RaCsvColumn) => {
      const header = columns[column];
      return header === undefined ? '' : (values[header] ?? '').trim();
    };
    const lineErrors: RaCsvError[] = [];
    const problem = (field: RaCsvColumn, rule: string, detail?: RaCsvError['detail']) =>
      lineErrors.push({ line, field, rule, value: raw(field).slice(0, maxEchoedValue), ...(detail ? { detail } : {}) });
    const required = (field: RaCsvColumn) => {
      if (raw(field) !== '') return true;
      problem(field, 'required');
      return false;
    };

    let serial: string | null = null;
    if (required('serial')) {
      serial = normaliseSerial(raw('serial'));
      if (serial === null) problem('serial', 'invalid_format');
      else if (serial.length > maxSerialDigits) problem('serial', 'too_big');
    }

    const holderKind = required('holder_kind') ? holderAliases.get(raw('holder_kind').toLowerCase()) : undefined;
    if (holderKind === undefined && raw('holder_kind') !== '') problem('holder_kind', 'invalid_value');

    const algorithmFamily = required('algorithm') ? raAlgorithmFamilyOf(raw('algorithm')) : null;
    if (algorithmFamily === null && raw('algorithm') !== '') problem('algorithm', 'unknown_algorithm');

    const notBefore = required('not_before') ? parseRaDate(raw('not_before')) : null;
    if (notBefore === null && raw('not_before') !== '') problem('not_before', 'invalid_date');
    const notAfter = required('not_after') ? parseRaDate(raw('not_after')) : null;
    if (notAfter === null && raw('not_after') !== '') problem('not_after', 'invalid_date');
    if (notBefore !== null && notAfter !== null && notAfter <= notBefore) problem('not_after', 'not_after_before');

    const status = required('status') ? statusAliases.get(raw('status').toLowerCase()) : undefined;
    if (status === undefined && raw('status') !== '') problem('status', 'invalid_value');

    const department = raw('department') || null;
    if (department !== null && !departments.has(department)) problem('department', 'unknown_department');

    // A personal holder's name is never read further than this line, not even to check it.
    const commonName = holderKind === 'server' ? raw('common_name') || null : null;
    if (commonName !== null && commonName.length > maxCommonName) problem('common_name', 'too_big');

    if (serial !== null && serial.length <= maxSerialDigits) {
      const otherLine = firstLineOfSerial.get(serial);
      if (otherLine === undefined) firstLineOfSerial.set(serial, line);
      else problem('serial', 'duplicate', { otherLine });
    }

    if (lineErrors.length > 0) {
      errors.push(...lineErrors);
      continue;
    }
    certificates.push({
      serial: serial!,
      commonName,
      department,
      holderKind: holderKind!,
      algorithmFamily: algorithmFamily!,
      notBefore: notBefore!,
      notAfter: notAfter!,
      status: status!,
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, certificates };
}
