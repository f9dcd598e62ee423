import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvRecords, formatCsv, neutraliseFormula, parseCsv } from './csv.ts';

describe('parseCsv', () => {
  const cases: [string, string, string[][]][] = [
    ['empty text', '', []],
    ['one field', 'a', [['a']]],
    [
      'LF rows',
      'a,b\nc,d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'CRLF rows',
      'a,b\r\nc,d\r\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['lone CR rows', 'a\rb', [['a'], ['b']]],
    ['trailing LF ignored', 'a,b\n', [['a', 'b']]],
    ['BOM stripped', '\uFEFFcode,name\n', [['code', 'name']]],
    ['empty fields', ',a,', [['', 'a', '']]],
    ['quoted comma', '"a,b",c', [['a,b', 'c']]],
    ['doubled quote', '"say ""hi""",x', [['say "hi"', 'x']]],
    ['LF inside quotes', '"a\nb",c\nd', [['a\nb', 'c'], ['d']]],
    ['CRLF inside quotes', '"a\r\nb"\r\n', [['a\r\nb']]],
    ['empty quoted field', 'a,""', [['a', '']]],
    ['only an empty quoted field', '""', [['']]],
    ['quote mid-field kept', 'ab"c', [['ab"c']]],
    ['blank middle line kept', 'a\n\nb', [['a'], [''], ['b']]],
    [
      'Chinese text',
      '编码,名称\n1,安徽省教育厅',
      [
        ['编码', '名称'],
        ['1', '安徽省教育厅'],
      ],
    ],
  ];
  it.each(cases)('%s', (_label, text, want) => {
    expect(parseCsv(text)).toEqual(want);
  });

  const errors: [string, string, string, number][] = [
    ['unterminated on line 1', '"abc', 'unterminated_quote', 1],
    ['unterminated starting line 3', 'a\nb\n"c,d\ne', 'unterminated_quote', 3],
    ['text after closing quote', 'a\n"b"c', 'text_after_quote', 2],
  ];
  it.each(errors)('throws for %s', (_label, text, reason, line) => {
    let caught: unknown;
    try {
      parseCsv(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CsvSyntaxError);
    expect(caught).toMatchObject({ reason, line });
  });
});

describe('neutraliseFormula', () => {
  const cases: [string, string][] = [
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\t=1', "'\t=1"],
    ['-5', '-5'],
    ['+5', '+5'],
    ['-3.25', '-3.25'],
    ['-1e5', '-1e5'],
    ['-', "'-"],
    ['a=b', 'a=b'],
    ['安徽省教育厅', '安徽省教育厅'],
    ['', ''],
  ];
  it.each(cases)('%j → %j', (field, want) => {
    expect(neutraliseFormula(field)).toBe(want);
  });
});

describe('formatCsv', () => {
  const cases: [string, string[][], string][] = [
    [
      'plain rows with CRLF',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
      'a,b\r\nc,d\r\n',
    ],
    ['comma quoted', [['a,b']], '"a,b"\r\n'],
    ['quote doubled', [['say "hi"']], '"say ""hi"""\r\n'],
    ['newline quoted', [['a\nb']], '"a\nb"\r\n'],
    ['CR quoted', [['a\rb']], '"a\rb"\r\n'],
    ['leading space quoted', [[' a']], '" a"\r\n'],
    ['trailing space quoted', [['a ']], '"a "\r\n'],
    ['formula neutralised', [['=1+1', '-5']], "'=1+1,-5\r\n"],
    ['empty field', [['', 'x']], ',x\r\n'],
  ];
  it.each(cases)('%s', (_label, rows, body) => {
    expect(formatCsv(rows)).toBe(`\uFEFF${body}`);
  });

  it('round-trips through parseCsv except for neutralised cells', () => {
    const rows = [
      ['编码', '名称'],
      ['340100-001', '合肥市发展和改革委员会'],
      ['x', 'a "quoted", multi\r\nline'],
      [' padded ', '-5'],
    ];
    expect(parseCsv(formatCsv(rows))).toEqual(rows);
    expect(parseCsv(formatCsv([['=cmd']]))).toEqual([["'=cmd"]]);
  });
});

describe('csvRecords', () => {
  it('maps rows to header keys with the physical start line', () => {
    const text = [
      'code, name ,note',
      'a,Alpha,plain',
      'b,Beta,"two',
      'lines"',
      'c,Gamma,',
      '',
      'd,"Delta\r\nwith\r\nthree",x',
      'e,Epsilon',
      '',
    ].join('\r\n');
    const { header, records } = csvRecords(text);
    expect(header).toEqual(['code', 'name', 'note']);
    expect(records).toEqual([
      { line: 2, values: { code: 'a', name: 'Alpha', note: 'plain' } },
      { line: 3, values: { code: 'b', name: 'Beta', note: 'two\r\nlines' } },
      { line: 5, values: { code: 'c', name: 'Gamma', note: '' } },
      { line: 7, values: { code: 'd', name: 'Delta\r\nwith\r\nthree', note: 'x' } },
      { line: 10, values: { code: 'e', name: 'Epsilon', note: '' } },
    ]);
  });

  it('returns nothing for an empty file and no records for a header only', () => {
    expect(csvRecords('')).toEqual({ header: [], records: [] });
    expect(csvRecords('\uFEFFa,b\r\n')).toEqual({ header: ['a', 'b'], records: [] });
  });
});

describe('formula neutralisation round trip', () => {
  it.each(['=SUM(A1)', '+86 551', '-x', '@cmd', 'plain', "'quoted already", '-5'])(
    '%s survives export and import',
    (value) => {
      const text = formatCsv([['name'], [value]]);
      expect(csvRecords(text).records[0]!.values.name).toBe(value);
    },
  );
});
