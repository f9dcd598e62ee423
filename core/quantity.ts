/**
 * Kubernetes quantity notation (`500m`, `2`, `8Gi`, `1.5T`, `1e3`) read into exact integers of
 * one base unit: millicores for CPU, bytes for memory and storage, whole units for counts.
 * Allocation maths never touches floating point: parsing works on bigint digits, and a value
 * that is not a whole number of the base unit, negative, or beyond 2^53 − 1 is refused rather
 * than rounded. (Kubernetes rounds sub-millicore values up; a quota console must not invent.)
 */

export type QuantityUnit = 'millicores' | 'bytes' | 'count';

/** Why a quantity was refused; each is a `rule.quantity_*` message in the catalogs. */
export type QuantityRule = 'quantity_format' | 'quantity_negative' | 'quantity_precision' | 'quantity_range';

export class QuantityError extends Error {
  readonly rule: QuantityRule;
  constructor(rule: QuantityRule, text: string) {
    super(`${rule}: ${JSON.stringify(text.slice(0, 40))}`);
    this.rule = rule;
  }
}

/** The largest amount the console stores: every amount must be an exact JavaScript integer. */
export const maxQuantity = Number.MAX_SAFE_INTEGER;

const binary: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const decimal: Record<string, number> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const grammar = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d{1,4})|(m|k|M|G|T|P|E)?)$/;
const unitScale: Record<QuantityUnit, bigint> = { millicores: 1000n, bytes: 1n, count: 1n };

/** Reads a quantity into whole base units; throws QuantityError naming the broken rule. */
export function parseQuantity(text: string, unit: QuantityUnit): number {
  const m = text.length <= 64 ? grammar.exec(text.trim()) : null;
  const [, sign = '', whole = '', fraction = '', binarySuffix, exponent, decimalSuffix = ''] = m ?? [];
  if (!m || (whole === '' && fraction === '')) throw new QuantityError('quantity_format', text);
  const power = exponent === undefined ? decimal[decimalSuffix]! : Number(exponent);
  // No early exponent cut-off: `1e-50` is a precision error and `0e50` is zero. The text is at most
  // 64 characters and the exponent 4 digits, so exact bigint maths stays cheap (well under 1 ms).
  let numerator = BigInt(whole + fraction || '0') * unitScale[unit];
  let denominator = 10n ** BigInt(fraction.length);
  if (binarySuffix) numerator *= 1024n ** binary[binarySuffix]!;
  if (power >= 0) numerator *= 10n ** BigInt(power);
  else denominator *= 10n ** BigInt(-power);
  if (numerator === 0n) return 0;
  if (sign === '-') throw new QuantityError('quantity_negative', text);
  if (numerator % denominator !== 0n) throw new QuantityError('quantity_precision', text);
  const value = numerator / denominator;
  if (value > BigInt(maxQuantity)) throw new QuantityError('quantity_range', text);
  return Number(value);
}

/** Whether an amount is one the console can hold: a whole number from 0 to 2^53 − 1. */
export function isExactAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 0;
}

/** Every byte suffix with its size, largest first, binary and decimal interleaved. */
const suffixesDescending: [string, bigint][] = [
  ...Object.entries(binary).map(([suffix, k]): [string, bigint] => [suffix, 1024n ** k]),
  ...Object.entries(decimal)
    .filter(([, p]) => p > 0)
    .map(([suffix, p]): [string, bigint] => [suffix, 10n ** BigInt(p)]),
].sort(([, a], [, b]) => (a < b ? 1 : a > b ? -1 : 0));

/**
 * The canonical Kubernetes spelling of an amount: `500m` or `2` for CPU; for bytes the largest
 * exact suffix, binary or decimal (`8Gi`, `100M`, `1500G` rather than `1464843750Ki`), else
 * plain bytes. `parseQuantity(formatQuantity(n, u), u) === n` for every exact amount.
 */
export function formatQuantity(amount: number, unit: QuantityUnit): string {
  if (!isExactAmount(amount)) throw new RangeError(`not an exact amount: ${amount}`);
  const n = BigInt(amount);
  if (unit === 'millicores') return n % 1000n === 0n ? String(n / 1000n) : `${n}m`;
  if (unit === 'count' || n === 0n) return String(n);
  for (const [suffix, size] of suffixesDescending) {
    if (n % size === 0n) return `${n / size}${suffix}`;
  }
  return String(n);
}

const displayBinary = [
  ['PiB', 5n],
  ['TiB', 4n],
  ['GiB', 3n],
  ['MiB', 2n],
  ['KiB', 1n],
] as const;

/** `value / size` with at most two decimals, rounded down (a display never overstates). */
function decimalText(value: bigint, size: bigint): string {
  const hundredths = (value * 100n) / size;
  const whole = hundredths / 100n;
  const rest = hundredths % 100n;
  if (rest === 0n) return String(whole);
  return `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

/**
 * An amount for people, with its unit spelled out: `64 vCPU`, `0.5 vCPU`, `256 GiB`, `1.5 TiB`.
 * Bytes always use binary units (GiB, not GB: the two differ by 7 %).
 */
export function displayQuantity(amount: number, unit: QuantityUnit): string {
  const n = BigInt(amount);
  if (unit === 'millicores') return `${decimalText(n, 1000n)} vCPU`;
  if (unit === 'count') return String(n);
  for (const [name, k] of displayBinary) {
    const size = 1024n ** k;
    if (n >= size) return `${decimalText(n, size)} ${name}`;
  }
  return `${n} B`;
}
