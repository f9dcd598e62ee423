import { describe, expect, it } from 'vitest';
import {
  type QuantityRule,
  type QuantityUnit,
  QuantityError,
  displayQuantity,
  formatQuantity,
  isExactAmount,
  maxQuantity,
  parseQuantity,
} from './quantity.ts';

const Ki = 1024;
const Mi = 1024 ** 2;
const Gi = 1024 ** 3;
const Ti = 1024 ** 4;
const Pi = 1024 ** 5;
const max = 2 ** 53 - 1;

/** The rule a refused text breaks, or the value when it is accepted. */
function outcome(text: string, unit: QuantityUnit): number | QuantityRule {
  try {
    return parseQuantity(text, unit);
  } catch (e) {
    if (e instanceof QuantityError) return e.rule;
    throw e;
  }
}

describe('maxQuantity', () => {
  it('is 2^53 − 1, the largest exact JavaScript integer', () => {
    expect(maxQuantity).toBe(9_007_199_254_740_991);
    expect(BigInt(maxQuantity)).toBe(2n ** 53n - 1n);
  });
});

describe('parseQuantity: accepted', () => {
  const cases: [string, QuantityUnit, number][] = [
    // CPU in millicores
    ['500m', 'millicores', 500],
    ['2', 'millicores', 2000],
    ['0.5', 'millicores', 500],
    ['.5', 'millicores', 500],
    ['5.', 'millicores', 5000],
    ['1', 'millicores', 1000],
    ['1m', 'millicores', 1],
    ['0.001', 'millicores', 1],
    ['1.5', 'millicores', 1500],
    ['2.000', 'millicores', 2000],
    ['00002', 'millicores', 2000],
    ['64', 'millicores', 64_000],
    ['4800', 'millicores', 4_800_000],
    ['1k', 'millicores', 1_000_000],
    ['1e3', 'millicores', 1_000_000],
    ['1E3', 'millicores', 1_000_000],
    ['1e-3', 'millicores', 1],
    ['5e-1', 'millicores', 500],
    ['1.e3', 'millicores', 1_000_000],
    ['1Ki', 'millicores', 1_024_000],
    ['0m', 'millicores', 0],
    ['+5', 'millicores', 5000],
    ['+.5', 'millicores', 500],
    ['-0', 'millicores', 0],
    ['-0.0', 'millicores', 0],
    ['-0m', 'millicores', 0],
    ['9007199254740.991', 'millicores', max],
    ['9007199254740991m', 'millicores', max],
    // bytes: binary suffixes
    ['1Ki', 'bytes', Ki],
    ['1Mi', 'bytes', Mi],
    ['1Gi', 'bytes', Gi],
    ['1Ti', 'bytes', Ti],
    ['1Pi', 'bytes', Pi],
    ['8Gi', 'bytes', 8_589_934_592],
    ['256Gi', 'bytes', 274_877_906_944],
    ['1.5Ki', 'bytes', 1536],
    ['0.5Ki', 'bytes', 512],
    ['0.5Gi', 'bytes', 536_870_912],
    ['1.5Gi', 'bytes', 1_610_612_736],
    ['0.00390625Ei', 'bytes', 2 ** 52],
    ['7Pi', 'bytes', 7_881_299_347_898_368],
    ['8191Ti', 'bytes', 2 ** 53 - 2 ** 40],
    ['8796093022207Ki', 'bytes', 2 ** 53 - 1024],
    // bytes: decimal suffixes and exponents
    ['1k', 'bytes', 1000],
    ['1M', 'bytes', 1_000_000],
    ['100M', 'bytes', 100_000_000],
    ['1G', 'bytes', 1_000_000_000],
    ['1T', 'bytes', 1_000_000_000_000],
    ['1.5T', 'bytes', 1_500_000_000_000],
    ['1P', 'bytes', 1e15],
    ['9P', 'bytes', 9e15],
    ['1000m', 'bytes', 1],
    ['1e3', 'bytes', 1000],
    ['1E3', 'bytes', 1000],
    ['1e+3', 'bytes', 1000],
    ['1e0', 'bytes', 1],
    ['1.5e3', 'bytes', 1500],
    ['120e-1', 'bytes', 12],
    ['1e15', 'bytes', 1e15],
    ['0', 'bytes', 0],
    ['-0', 'bytes', 0],
    ['+5', 'bytes', 5],
    ['9007199254740991', 'bytes', max],
    ['9007.199254740991T', 'bytes', max],
    // zero is zero whatever its exponent
    ['0e999', 'bytes', 0],
    ['0.0e-999', 'bytes', 0],
    ['-0e9999', 'bytes', 0],
    // counts
    ['3', 'count', 3],
    ['1k', 'count', 1000],
    ['1Ki', 'count', 1024],
    ['2e2', 'count', 200],
    // surrounding whitespace is forgiven (form input); length is measured before trimming
    [' 8Gi ', 'bytes', 8 * Gi],
    ['\t500m\n', 'millicores', 500],
    [`${' '.repeat(60)}1Gi`, 'bytes', Gi],
    [`${'0'.repeat(63)}1`, 'bytes', 1],
  ];
  it.each(cases)('%j as %s → %d', (text, unit, expected) => {
    const value = parseQuantity(text, unit);
    expect(value).toBe(expected);
    expect(Number.isSafeInteger(value)).toBe(true);
  });

  it('tells binary from decimal suffixes: 1Ki is 1024, 1k is 1000', () => {
    expect(parseQuantity('1Ki', 'bytes')).toBe(1024);
    expect(parseQuantity('1k', 'bytes')).toBe(1000);
  });

  it('1Gi and 1G differ by about 7 %', () => {
    const gi = parseQuantity('1Gi', 'bytes');
    const g = parseQuantity('1G', 'bytes');
    expect(gi - g).toBe(73_741_824);
    expect((gi - g) / g).toBeCloseTo(0.0737, 4);
  });

  it('reads 1E3 as an exponent but 1E as exa', () => {
    expect(parseQuantity('1E3', 'bytes')).toBe(1000);
    // 1E = 10^18 bytes, beyond 2^53 − 1: it is the suffix, not a malformed exponent
    expect(outcome('1E', 'bytes')).toBe('quantity_range');
    expect(outcome('0.001E', 'bytes')).toBe(1e15);
  });

  it('returns 0, not −0, for a negative zero', () => {
    expect(Object.is(parseQuantity('-0', 'bytes'), 0)).toBe(true);
    expect(Object.is(parseQuantity('-0.000m', 'millicores'), 0)).toBe(true);
  });
});

describe('parseQuantity: refused', () => {
  const cases: [string, QuantityUnit, QuantityRule][] = [
    // malformed
    ['8GG', 'bytes', 'quantity_format'],
    ['8 Gi', 'bytes', 'quantity_format'],
    ['', 'bytes', 'quantity_format'],
    ['   ', 'bytes', 'quantity_format'],
    ['.', 'bytes', 'quantity_format'],
    ['Gi', 'bytes', 'quantity_format'],
    ['m', 'millicores', 'quantity_format'],
    ['1.2.3', 'bytes', 'quantity_format'],
    ['1.5.', 'bytes', 'quantity_format'],
    ['1e', 'bytes', 'quantity_format'],
    ['1e+', 'bytes', 'quantity_format'],
    ['e3', 'bytes', 'quantity_format'],
    ['.e3', 'bytes', 'quantity_format'],
    ['1e3.5', 'bytes', 'quantity_format'],
    ['1e12345', 'bytes', 'quantity_format'],
    ['1e3Ki', 'bytes', 'quantity_format'],
    ['1Kim', 'bytes', 'quantity_format'],
    ['abc', 'bytes', 'quantity_format'],
    ['-', 'bytes', 'quantity_format'],
    ['+', 'bytes', 'quantity_format'],
    ['--1', 'bytes', 'quantity_format'],
    ['+-1', 'bytes', 'quantity_format'],
    ['1-', 'bytes', 'quantity_format'],
    ['1ki', 'bytes', 'quantity_format'],
    ['1K', 'bytes', 'quantity_format'],
    ['1gi', 'bytes', 'quantity_format'],
    ['1KiB', 'bytes', 'quantity_format'],
    ['1GB', 'bytes', 'quantity_format'],
    ['1,5', 'bytes', 'quantity_format'],
    ['1_000', 'bytes', 'quantity_format'],
    ['0x10', 'bytes', 'quantity_format'],
    ['Infinity', 'bytes', 'quantity_format'],
    ['NaN', 'bytes', 'quantity_format'],
    ['٣', 'count', 'quantity_format'],
    ['８', 'count', 'quantity_format'],
    ['1\u00a0Gi', 'bytes', 'quantity_format'],
    // overly long: refused as malformed before any arithmetic, even when the value would be tiny
    [`${'0'.repeat(64)}1`, 'bytes', 'quantity_format'],
    ['1'.repeat(65), 'bytes', 'quantity_format'],
    [`1${'0'.repeat(1000)}`, 'bytes', 'quantity_format'],
    [`${' '.repeat(62)}1Gi`, 'bytes', 'quantity_format'],
    // negative
    ['-1', 'bytes', 'quantity_negative'],
    ['-1Gi', 'bytes', 'quantity_negative'],
    ['-1', 'millicores', 'quantity_negative'],
    ['-1m', 'millicores', 'quantity_negative'],
    ['-.5', 'millicores', 'quantity_negative'],
    ['-1e3', 'count', 'quantity_negative'],
    // the sign is reported before precision and range
    ['-0.5', 'bytes', 'quantity_negative'],
    ['-1.0005', 'millicores', 'quantity_negative'],
    ['-8Ei', 'bytes', 'quantity_negative'],
    ['-1e999', 'bytes', 'quantity_negative'],
    // not a whole number of the base unit
    ['1.0005', 'millicores', 'quantity_precision'],
    ['1.5m', 'millicores', 'quantity_precision'],
    ['0.0001', 'millicores', 'quantity_precision'],
    ['1e-4', 'millicores', 'quantity_precision'],
    ['0.5', 'bytes', 'quantity_precision'],
    ['1.5', 'bytes', 'quantity_precision'],
    ['1m', 'bytes', 'quantity_precision'],
    ['0.1Ki', 'bytes', 'quantity_precision'],
    ['1e-1', 'bytes', 'quantity_precision'],
    ['12e-1', 'bytes', 'quantity_precision'],
    ['1e-50', 'millicores', 'quantity_precision'],
    ['1e-999', 'bytes', 'quantity_precision'],
    ['0.001Ei', 'bytes', 'quantity_precision'],
    ['500m', 'count', 'quantity_precision'],
    ['0.5', 'count', 'quantity_precision'],
    // beyond 2^53 − 1
    ['8Pi', 'bytes', 'quantity_range'],
    ['8Ei', 'bytes', 'quantity_range'],
    ['1Ei', 'bytes', 'quantity_range'],
    ['1E', 'bytes', 'quantity_range'],
    ['10P', 'bytes', 'quantity_range'],
    ['1e16', 'bytes', 'quantity_range'],
    ['9007199254740992', 'bytes', 'quantity_range'],
    ['9007.199254740992T', 'bytes', 'quantity_range'],
    ['0.0078125Ei', 'bytes', 'quantity_range'],
    ['1e40', 'bytes', 'quantity_range'],
    ['1e41', 'bytes', 'quantity_range'],
    ['1e999', 'bytes', 'quantity_range'],
    ['1e9999', 'bytes', 'quantity_range'],
    ['1.5e999', 'bytes', 'quantity_range'],
    [`1${'0'.repeat(30)}`, 'bytes', 'quantity_range'],
    ['9007199254741', 'millicores', 'quantity_range'],
    ['9007199254740992m', 'millicores', 'quantity_range'],
    ['1P', 'millicores', 'quantity_range'],
    ['9007199254740992', 'count', 'quantity_range'],
  ];
  it.each(cases)('%j as %s → %s', (text, unit, rule) => {
    expect(outcome(text, unit)).toBe(rule);
  });

  it('throws a QuantityError naming the rule and quoting (at most 40 characters of) the text', () => {
    const error = (() => {
      try {
        parseQuantity('8GG', 'bytes');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(QuantityError);
    expect(error).toBeInstanceOf(Error);
    expect((error as QuantityError).rule).toBe('quantity_format');
    expect((error as QuantityError).message).toBe('quantity_format: "8GG"');
    const long = 'x'.repeat(100);
    expect(() => parseQuantity(long, 'bytes')).toThrow(`quantity_format: ${JSON.stringify('x'.repeat(40))}`);
  });

  it('stays fast on the worst exponents', () => {
    const started = performance.now();
    for (let i = 0; i < 50; i++) {
      outcome(`${'9'.repeat(50)}e9999`, 'millicores');
      outcome(`0.${'1'.repeat(50)}e-9999`, 'millicores');
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('isExactAmount', () => {
  const cases: [number, boolean][] = [
    [0, true],
    [1, true],
    [max, true],
    [max + 1, false],
    [-1, false],
    [0.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ];
  it.each(cases)('%d → %s', (amount, expected) => {
    expect(isExactAmount(amount)).toBe(expected);
  });
});

describe('formatQuantity', () => {
  const cases: [number, QuantityUnit, string][] = [
    [2000, 'millicores', '2'],
    [500, 'millicores', '500m'],
    [0, 'millicores', '0'],
    [1, 'millicores', '1m'],
    [1500, 'millicores', '1500m'],
    [4_800_000, 'millicores', '4800'],
    [1_000_000, 'millicores', '1000'],
    [max, 'millicores', '9007199254740991m'],
    [8 * Gi, 'bytes', '8Gi'],
    [100_000_000, 'bytes', '100M'],
    [1_500_000_000_000, 'bytes', '1500G'],
    [1023, 'bytes', '1023'],
    [0, 'bytes', '0'],
    [1, 'bytes', '1'],
    [1000, 'bytes', '1k'],
    [1024, 'bytes', '1Ki'],
    [1536, 'bytes', '1536'],
    [Mi, 'bytes', '1Mi'],
    [1.5 * Gi, 'bytes', '1536Mi'],
    [500 * Mi, 'bytes', '500Mi'],
    [256 * Gi, 'bytes', '256Gi'],
    [1.5 * Ti, 'bytes', '1536Gi'],
    [8000 * Gi, 'bytes', '8000Gi'],
    [2_048_000, 'bytes', '2000Ki'],
    [1e10, 'bytes', '10G'],
    [1e12, 'bytes', '1T'],
    [1e15, 'bytes', '1P'],
    [9e15, 'bytes', '9P'],
    [7 * Pi, 'bytes', '7Pi'],
    [2 ** 53 - 1024, 'bytes', '8796093022207Ki'],
    [max, 'bytes', '9007199254740991'],
    [0, 'count', '0'],
    [3, 'count', '3'],
    [1000, 'count', '1000'],
    [1024, 'count', '1024'],
  ];
  it.each(cases)('%d %s → %j', (amount, unit, expected) => {
    expect(formatQuantity(amount, unit)).toBe(expected);
  });

  const refused: number[] = [-1, 0.5, 1e-3, max + 1, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY, -0.5];
  it.each(refused)('refuses %d', (amount) => {
    for (const unit of ['millicores', 'bytes', 'count'] as const) {
      expect(() => formatQuantity(amount, unit)).toThrow(RangeError);
    }
  });
});

describe('parseQuantity(formatQuantity(n)) === n', () => {
  /** A small deterministic generator (mulberry32), so a failure is reproducible. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const values = new Set<number>([0, 1, 2, 999, 1000, 1001, 1023, 1024, 1025, max, max - 1, max - 999, max - 1024]);
  for (let k = 0; k <= 52; k++) {
    for (const d of [-1, 0, 1]) values.add(2 ** k + d);
    values.add(2 ** k * 3);
  }
  for (let p = 0; p <= 15; p++) {
    for (const d of [-1, 0, 1]) values.add(10 ** p + d);
    for (const m of [2, 5, 15, 125, 999]) values.add(10 ** p * m);
  }
  for (const suffix of [Ki, Mi, Gi, Ti, Pi]) {
    for (const m of [1, 3, 7, 1000, 1023, 1024, 1536]) values.add(suffix * m);
    values.add(Math.floor(max / suffix) * suffix);
  }
  const next = random(20240611);
  for (let i = 0; i < 2000; i++) {
    // spread over every magnitude: a random mantissa scaled by a random power of two
    values.add(Math.floor(next() * 2 ** Math.floor(next() * 54)));
    // and amounts built from suffixes, as people enter them
    values.add(Math.floor(next() * 8000) * [1, 1000, Ki, 1e6, Mi, 1e9, Gi, 1e12, Ti][Math.floor(next() * 9)]!);
  }
  const exact = [...values].filter((n) => Number.isSafeInteger(n) && n >= 0 && n <= max);

  it('covers thousands of values, boundaries included', () => {
    expect(exact.length).toBeGreaterThan(3000);
    expect(exact).toContain(0);
    expect(exact).toContain(max);
  });

  it.each(['millicores', 'bytes', 'count'] as const)('round-trips every value as %s', (unit) => {
    for (const n of exact) {
      const text = formatQuantity(n, unit);
      expect(text.length).toBeLessThanOrEqual(64);
      if (parseQuantity(text, unit) !== n) expect.fail(`${n} ${unit} → ${text} → ${parseQuantity(text, unit)}`);
    }
  });

  it('never spells bytes longer than the plain number', () => {
    for (const n of exact) expect(formatQuantity(n, 'bytes').length).toBeLessThanOrEqual(String(n).length);
  });
});

describe('displayQuantity', () => {
  const cases: [number, QuantityUnit, string][] = [
    [64_000, 'millicores', '64 vCPU'],
    [500, 'millicores', '0.5 vCPU'],
    [4_800_000, 'millicores', '4800 vCPU'],
    [1500, 'millicores', '1.5 vCPU'],
    [1250, 'millicores', '1.25 vCPU'],
    [50, 'millicores', '0.05 vCPU'],
    [0, 'millicores', '0 vCPU'],
    [256 * Gi, 'bytes', '256 GiB'],
    [1.5 * Ti, 'bytes', '1.5 TiB'],
    [2 * Ti, 'bytes', '2 TiB'],
    [8000 * Gi, 'bytes', '7.81 TiB'],
    [512, 'bytes', '512 B'],
    [0, 'bytes', '0 B'],
    [1023, 'bytes', '1023 B'],
    [Ki, 'bytes', '1 KiB'],
    [Mi, 'bytes', '1 MiB'],
    [Gi, 'bytes', '1 GiB'],
    [Pi, 'bytes', '1 PiB'],
    [1e9, 'bytes', '953.67 MiB'],
    [3, 'count', '3'],
    [0, 'count', '0'],
  ];
  it.each(cases)('%d %s → %j', (amount, unit, expected) => {
    expect(displayQuantity(amount, unit)).toBe(expected);
  });

  // Rounding down: a display never promises more than is there.
  const roundedDown: [number, QuantityUnit, string][] = [
    [1999, 'millicores', '1.99 vCPU'],
    [999, 'millicores', '0.99 vCPU'],
    [9, 'millicores', '0 vCPU'],
    [1, 'millicores', '0 vCPU'],
    [Gi - 1, 'bytes', '1023.99 MiB'],
    [2 * Ti - 1, 'bytes', '1.99 TiB'],
    [Ti - 1, 'bytes', '1023.99 GiB'],
    [max, 'bytes', '7.99 PiB'],
    [max, 'millicores', '9007199254740.99 vCPU'],
  ];
  it.each(roundedDown)('%d %s rounds down to %j', (amount, unit, expected) => {
    expect(displayQuantity(amount, unit)).toBe(expected);
  });

  it('never overstates an amount', () => {
    const amounts = [1, 7, 999, 1001, 1999, Ki - 1, Gi - 1, 3 * Gi + 1, 2 * Ti - 1, Pi + 12345, max];
    const sizes: Record<string, number> = { B: 1, KiB: Ki, MiB: Mi, GiB: Gi, TiB: Ti, PiB: Pi };
    for (const n of amounts) {
      const [number, name] = displayQuantity(n, 'bytes').split(' ') as [string, string];
      const [whole, decimals = ''] = number.split('.');
      const hundredths = BigInt(whole!) * 100n + BigInt(decimals.padEnd(2, '0') || '0');
      expect(hundredths * BigInt(sizes[name]!)).toBeLessThanOrEqual(BigInt(n) * 100n);
      const [cores, cpuDecimals = ''] = displayQuantity(n, 'millicores').split(' ')[0]!.split('.');
      expect((BigInt(cores!) * 100n + BigInt(cpuDecimals.padEnd(2, '0') || '0')) * 10n).toBeLessThanOrEqual(BigInt(n));
    }
  });
});
