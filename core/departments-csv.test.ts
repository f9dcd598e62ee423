import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { demoProvince } from './demo-province.ts';
import { formatDepartmentsCsv, parseDepartmentsCsv } from './departments-csv.ts';
import type { Department, Region } from './org.ts';

const regions = new Map<string, Region>(
  [
    { code: '340000', name: '安徽省', kind: 'province', parentCode: null },
    { code: '340100', name: '合肥市', kind: 'city', parentCode: '340000' },
    { code: '340123', name: '肥西县', kind: 'county', parentCode: '340100' },
  ].map((r) => [r.code, r as Region]),
);

const csv = (...lines: string[]) => lines.join('\r\n');

describe('parseDepartmentsCsv accepts', () => {
  const want: Department[] = [
    { code: '340000-016', name: '安徽省教育厅', level: 'provincial', regionCode: '340000' },
    { code: '340100-014', name: '合肥市教育局', level: 'city', regionCode: '340100' },
    { code: '340123-006', name: '肥西县教育局', level: 'county', regionCode: '340123' },
  ];
  const cases: [string, string][] = [
    [
      'English header and levels',
      csv(
        'code,name,level,region',
        '340000-016,安徽省教育厅,provincial,340000',
        '340100-014,合肥市教育局,city,340100',
        '340123-006,肥西县教育局,county,340123',
      ),
    ],
    [
      'Chinese header and levels with a BOM, reordered columns',
      `\uFEFF${csv(
        '名称,编码,所属区划,级别',
        '安徽省教育厅,340000-016,340000,省级',
        '合肥市教育局,340100-014,340100,市级',
        '肥西县教育局,340123-006,340123,县级',
        '',
      )}`,
    ],
    [
      'padded cells, mixed-case header and levels, blank lines',
      csv(
        ' Code ,NAME,Level,Region',
        ' 340000-016 , 安徽省教育厅 ,Provincial, 340000',
        '',
        '340100-014,合肥市教育局,CITY,340100',
        '340123-006,"肥西县教育局",county,340123',
      ),
    ],
  ];
  it.each(cases)('%s', (_label, text) => {
    expect(parseDepartmentsCsv(text, regions)).toEqual({ ok: true, departments: want });
  });

  it('a header-only file as an empty list', () => {
    expect(parseDepartmentsCsv('code,name,level,region\r\n', regions)).toEqual({
      ok: true,
      departments: [],
    });
  });
});

describe('parseDepartmentsCsv header errors', () => {
  const cases: [string, string, object[]][] = [
    [
      'missing region and level',
      'code,name',
      [
        { line: 1, field: 'level', rule: 'missing_column', value: '' },
        { line: 1, field: 'region', rule: 'missing_column', value: '' },
      ],
    ],
    [
      'unknown column',
      'code,name,level,region,owner',
      [{ line: 1, field: '', rule: 'unknown_column', value: 'owner' }],
    ],
    [
      'a column given twice, in two languages',
      'code,编码,name,level,region',
      [{ line: 1, field: 'code', rule: 'duplicate_column', value: '编码' }],
    ],
    [
      'prototype-shaped header names',
      'code,name,level,region,constructor,__proto__',
      [
        { line: 1, field: '', rule: 'unknown_column', value: 'constructor' },
        { line: 1, field: '', rule: 'unknown_column', value: '__proto__' },
      ],
    ],
    [
      'empty file',
      '',
      ['code', 'name', 'level', 'region'].map((field) => ({
        line: 1,
        field,
        rule: 'missing_column',
        value: '',
      })),
    ],
  ];
  it.each(cases)('%s', (_label, text, errors) => {
    expect(parseDepartmentsCsv(text, regions)).toEqual({ ok: false, errors });
  });

  it('reports an unterminated quote with its line', () => {
    const text = csv('code,name,level,region', 'a,b,city,340100', 'c,"d,city,340100');
    expect(parseDepartmentsCsv(text, regions)).toEqual({
      ok: false,
      errors: [{ line: 3, field: '', rule: 'unterminated_quote', value: '' }],
    });
  });
});

describe('parseDepartmentsCsv line errors', () => {
  it('reports every bad line with field, rule and value', () => {
    const text = csv(
      'code,name,level,region',
      'ok-1,合肥市教育局,city,340100', // 2 fine
      'bad code,合肥市公安局,city,340100', // 3
      'ok-2,,city,340100', // 4
      'ok-3,合肥市民政局,town,340100', // 5
      'ok-4,合肥市财政局,city,999999', // 6
      'ok-5,安徽省财政厅,provincial,340100', // 7
      'ok-6,"合肥市\n审计局",county,340000', // 8–9
      'ok-1,合肥市统计局,city,340100', // 10
      'ok-1,,city,', // 11
      ',合肥市林业局,city,340100', // 12
    );
    const result = parseDepartmentsCsv(text, regions);
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 3, field: 'code', rule: 'invalid_format', value: 'bad code' },
        { line: 4, field: 'name', rule: 'too_small', value: '' },
        { line: 5, field: 'level', rule: 'invalid_value', value: 'town' },
        { line: 6, field: 'region', rule: 'unknown_region', value: '999999' },
        {
          line: 7,
          field: 'level',
          rule: 'level_region_mismatch',
          value: 'provincial',
          detail: { regionKind: 'city', expectedRegionKind: 'province' },
        },
        {
          line: 8,
          field: 'level',
          rule: 'level_region_mismatch',
          value: 'county',
          detail: { regionKind: 'province', expectedRegionKind: 'county' },
        },
        { line: 10, field: 'code', rule: 'duplicate', value: 'ok-1', detail: { otherLine: 2 } },
        { line: 11, field: 'name', rule: 'too_small', value: '' },
        { line: 11, field: 'region', rule: 'too_small', value: '' },
        { line: 11, field: 'code', rule: 'duplicate', value: 'ok-1', detail: { otherLine: 2 } },
        { line: 12, field: 'code', rule: 'too_small', value: '' },
      ],
    });
  });

  it('reports a too-long name and code by their size rule', () => {
    const text = csv('code,name,level,region', `${'x'.repeat(33)},${'局'.repeat(101)},city,340100`);
    expect(parseDepartmentsCsv(text, regions)).toEqual({
      ok: false,
      errors: [
        { line: 2, field: 'code', rule: 'too_big', value: 'x'.repeat(33) },
        { line: 2, field: 'name', rule: 'too_big', value: '局'.repeat(101) },
      ],
    });
  });
});

describe('formatDepartmentsCsv', () => {
  it('writes the English header, a BOM and CRLF lines', () => {
    const out = formatDepartmentsCsv([
      { code: '340100-001', name: '合肥市委办公室', level: 'city', regionCode: '340100' },
    ]);
    expect(out).toBe('\uFEFFcode,name,level,region\r\n340100-001,合肥市委办公室,city,340100\r\n');
  });

  it('round-trips Chinese names, including ones that need quoting', () => {
    const departments: Department[] = [
      { code: '340000-001', name: '安徽省数据资源管理局', level: 'provincial', regionCode: '340000' },
      { code: '340100-002', name: '合肥市"互联网+政务服务"中心, 一部', level: 'city', regionCode: '340100' },
      { code: '340123-003', name: '肥西县教育局', level: 'county', regionCode: '340123' },
    ];
    const text = formatDepartmentsCsv(departments);
    expect(parseCsv(text)[2]?.[1]).toBe('合肥市"互联网+政务服务"中心, 一部');
    expect(parseDepartmentsCsv(text, regions)).toEqual({ ok: true, departments });
  });

  it('round-trips the whole demo province', () => {
    const demo = demoProvince();
    const all = new Map(demo.regions.map((r) => [r.code, r]));
    expect(parseDepartmentsCsv(formatDepartmentsCsv(demo.departments), all)).toEqual({
      ok: true,
      departments: demo.departments,
    });
  });
});
