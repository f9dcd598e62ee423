import { describe, expect, it } from 'vitest';
import {
  type DepartmentLevel,
  departmentInput,
  levelMatchesRegion,
  type RegionKind,
  regionKindForDepartmentLevel,
} from './org.ts';

describe('levelMatchesRegion', () => {
  const cases: [DepartmentLevel, RegionKind, boolean][] = [
    ['provincial', 'province', true],
    ['provincial', 'city', false],
    ['provincial', 'county', false],
    ['city', 'province', false],
    ['city', 'city', true],
    ['city', 'county', false],
    ['county', 'province', false],
    ['county', 'city', false],
    ['county', 'county', true],
  ];
  it.each(cases)('%s department in a %s region → %s', (level, kind, want) => {
    expect(levelMatchesRegion(level, kind)).toBe(want);
    expect(regionKindForDepartmentLevel(level) === kind).toBe(want);
  });
});

describe('departmentInput', () => {
  const valid = {
    code: '340100-001',
    name: '合肥市教育局',
    level: 'city',
    regionCode: '340100',
  };

  it('accepts a valid department and trims the name', () => {
    expect(departmentInput.parse({ ...valid, name: '  合肥市教育局 ' })).toEqual(valid);
  });

  const rejections: [string, Record<string, unknown>, string, string][] = [
    ['empty code', { code: '' }, 'code', 'too_small'],
    ['code of 33 chars', { code: 'a'.repeat(33) }, 'code', 'too_big'],
    ['code with a space', { code: '340100 001' }, 'code', 'invalid_format'],
    ['code with Chinese', { code: '教育局' }, 'code', 'invalid_format'],
    ['blank name', { name: '   ' }, 'name', 'too_small'],
    ['name of 101 chars', { name: '局'.repeat(101) }, 'name', 'too_big'],
    ['unknown level', { level: 'township' }, 'level', 'invalid_value'],
    ['empty region', { regionCode: '' }, 'regionCode', 'too_small'],
    ['numeric region', { regionCode: 340100 }, 'regionCode', 'invalid_type'],
  ];
  it.each(rejections)('rejects %s', (_label, patch, field, code) => {
    const result = departmentInput.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    const first = result.error?.issues[0];
    expect(first?.path).toEqual([field]);
    expect(first?.code).toBe(code);
  });

  it('accepts code boundaries of 1 and 32 chars with - and _', () => {
    for (const code of ['a', `A_-9${'x'.repeat(28)}`]) {
      expect(departmentInput.safeParse({ ...valid, code }).success).toBe(true);
    }
  });
});
