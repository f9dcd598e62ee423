import { describe, expect, it } from 'vitest';
import {
  normaliseSerial,
  parseRaCertificatesCsv,
  parseRaDate,
  raAlgorithmFamilyOf,
  type RaCertificate,
} from './ra-certificates-csv.ts';

const departments = new Set(['340100-001', '340000-016']);
const csv = (...lines: string[]) => lines.join('\r\n');

describe('parseRaCertificatesCsv accepts', () => {
  const want: RaCertificate[] = [
    {
      serial: '4F3A2B1C9D8E7F60',
      commonName: 'oa.hefei.gov.cn',
      department: '340100-001',
      holderKind: 'server',
      algorithmFamily: 'sm2',
      notBefore: '2025-02-28T16:00:00.000Z',
      notAfter: '2027-02-28T16:00:00.000Z',
      status: 'issued',
    },
    {
      serial: '0A01',
      commonName: null,
      department: '340000-016',
      holderKind: 'personal',
      algorithmFamily: 'rsa',
      notBefore: '2024-06-01T00:00:00.000Z',
      notAfter: '2026-06-01T00:00:00.000Z',
      status: 'revoked',
    },
  ];
  const cases: [string, string][] = [
    [
      'English header and values',
      csv(
        'serial,common name,department code,holder kind,algorithm,not before,not after,status',
        '4F3A2B1C9D8E7F60,oa.hefei.gov.cn,340100-001,server,SM2,2025-03-01,2027-03-01,issued',
        '0A01,张三,340000-016,personal,RSA,2024-06-01T00:00:00Z,2026-06-01T00:00:00Z,revoked',
      ),
    ],
    [
      'Chinese header and values with a BOM, reordered columns, an ignored ID-number column',
      `\uFEFF${csv(
        '证书名称,序列号,身份证号,部门代码,持有者类型,算法,生效日期,失效日期,状态',
        'oa.hefei.gov.cn,4f:3a:2b:1c:9d:8e:7f:60,,340100-001,服务器,SM2withSM3,2025/3/1,2027年3月1日,正常',
        '张三,000A01,340102198001011234,340000-016,个人,sha256WithRSAEncryption,2024-06-01 08:00:00,2026-06-01 08:00,已吊销',
        '',
      )}`,
    ],
    [
      'snake-case and padded header, the other Chinese name column, device holders',
      csv(
        ' Serial_Number ,通用名,Department_Code,Holder_Kind,Algorithm,Not_Before,Not_After,Status',
        ' 4F3A2B1C9D8E7F60 , oa.hefei.gov.cn ,340100-001,device, sm2 ,2025-03-01,2027-03-01, Issued ',
        '0a01,,340000-016,Personal,RSA 2048,2024-06-01T08:00:00+08:00,2026-06-01T00:00:00.000Z,REVOKED',
      ),
    ],
  ];
  it.each(cases)('%s', (_label, text) => {
    expect(parseRaCertificatesCsv(text, departments)).toEqual({ ok: true, certificates: want });
  });

  it('a file without the optional name and department columns', () => {
    const text = csv(
      'serial,holder kind,algorithm,not before,not after,status',
      '01,server,ECC,2025-01-01,2026-01-01,valid',
    );
    expect(parseRaCertificatesCsv(text, departments)).toEqual({
      ok: true,
      certificates: [
        {
          serial: '01',
          commonName: null,
          department: null,
          holderKind: 'server',
          algorithmFamily: 'ecdsa',
          notBefore: '2024-12-31T16:00:00.000Z',
          notAfter: '2025-12-31T16:00:00.000Z',
          status: 'issued',
        },
      ],
    });
  });
});

describe('parseRaCertificatesCsv never keeps a personal holder’s name', () => {
  it('drops the name of personal rows, even one too long to store', () => {
    const text = csv(
      'serial,common name,holder kind,algorithm,not before,not after,status',
      `01,${'张'.repeat(300)},personal,SM2,2025-01-01,2026-01-01,issued`,
    );
    const result = parseRaCertificatesCsv(text, departments);
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('张');
  });
});

describe('parseRaCertificatesCsv header errors', () => {
  const cases: [string, string, object[]][] = [
    [
      'missing required columns',
      'serial,common name',
      ['holder_kind', 'algorithm', 'not_before', 'not_after', 'status'].map((field) => ({
        line: 1,
        field,
        rule: 'missing_column',
        value: '',
      })),
    ],
    [
      'a column given twice, in two languages',
      'serial,序列号,holder kind,algorithm,not before,not after,status',
      [{ line: 1, field: 'serial', rule: 'duplicate_column', value: '序列号' }],
    ],
  ];
  it.each(cases)('%s', (_label, text, errors) => {
    expect(parseRaCertificatesCsv(text, departments)).toEqual({ ok: false, errors });
  });

  it('reports an unterminated quote with its line', () => {
    const text = csv(
      'serial,holder kind,algorithm,not before,not after,status',
      '01,"server,SM2,2025-01-01,2026-01-01,issued',
    );
    expect(parseRaCertificatesCsv(text, departments)).toEqual({
      ok: false,
      errors: [{ line: 2, field: '', rule: 'unterminated_quote', value: '' }],
    });
  });
});

describe('parseRaCertificatesCsv line errors', () => {
  it('reports every bad line with its field, rule and value, and returns nothing to store', () => {
    const text = csv(
      'serial,common name,department code,holder kind,algorithm,not before,not after,status',
      '01,a.example,340100-001,server,SM2,2025-01-01,2026-01-01,issued', // 2 fine
      'XYZ,b.example,,server,SM2,2025-01-01,2026-01-01,issued', // 3
      ',c.example,,server,SM2,2025-01-01,2026-01-01,issued', // 4
      '03,d.example,,robot,SM2,2025-01-01,2026-01-01,issued', // 5
      '04,e.example,,server,Kyber,2025-01-01,2026-01-01,issued', // 6
      '05,f.example,,server,RSA,2025-02-30,2026-13-01,issued', // 7
      '06,g.example,,server,RSA,2026-01-01,2025-01-01,issued', // 8
      '07,h.example,,server,RSA,2025-01-01,2026-01-01,expired', // 9
      '08,i.example,999999-999,server,RSA,2025-01-01,2026-01-01,issued', // 10
      '0001,j.example,,server,RSA,2025-01-01,2026-01-01,issued', // 11
      `09,${'x'.repeat(201)},,server,RSA,2025-01-01,2026-01-01,issued`, // 12
      '0A,,,,,,,', // 13
    );
    expect(parseRaCertificatesCsv(text, departments)).toEqual({
      ok: false,
      errors: [
        { line: 3, field: 'serial', rule: 'invalid_format', value: 'XYZ' },
        { line: 4, field: 'serial', rule: 'required', value: '' },
        { line: 5, field: 'holder_kind', rule: 'invalid_value', value: 'robot' },
        { line: 6, field: 'algorithm', rule: 'unknown_algorithm', value: 'Kyber' },
        { line: 7, field: 'not_before', rule: 'invalid_date', value: '2025-02-30' },
        { line: 7, field: 'not_after', rule: 'invalid_date', value: '2026-13-01' },
        { line: 8, field: 'not_after', rule: 'not_after_before', value: '2025-01-01' },
        { line: 9, field: 'status', rule: 'invalid_value', value: 'expired' },
        { line: 10, field: 'department', rule: 'unknown_department', value: '999999-999' },
        { line: 11, field: 'serial', rule: 'duplicate', value: '0001', detail: { otherLine: 2 } },
        { line: 12, field: 'common_name', rule: 'too_big', value: 'x'.repeat(200) },
        { line: 13, field: 'holder_kind', rule: 'required', value: '' },
        { line: 13, field: 'algorithm', rule: 'required', value: '' },
        { line: 13, field: 'not_before', rule: 'required', value: '' },
        { line: 13, field: 'not_after', rule: 'required', value: '' },
        { line: 13, field: 'status', rule: 'required', value: '' },
      ],
    });
  });
});

describe('RA field readers', () => {
  it.each([
    ['SM2', 'sm2'],
    ['SM2withSM3', 'sm2'],
    ['国密SM2', 'sm2'],
    ['SM3withSM2', 'sm2'],
    ['RSA', 'rsa'],
    ['RSA-4096', 'rsa'],
    ['sha256WithRSAEncryption', 'rsa'],
    ['ECDSA', 'ecdsa'],
    ['ecdsa-with-SHA256', 'ecdsa'],
    ['ECC', 'ecdsa'],
    ['P-256', 'ecdsa'],
    ['prime256v1', 'ecdsa'],
    ['Ed25519', 'other'],
    ['DSA', 'other'],
    ['', null],
    ['2025-01-01', null],
    ['AES', null],
  ])('algorithm %j is %s', (text, family) => {
    expect(raAlgorithmFamilyOf(text)).toBe(family);
  });

  it.each([
    ['4F3A', '4F3A'],
    ['4f:3a', '4F3A'],
    ['00 4f 3a', '4F3A'],
    ['A01', '0A01'],
    ['000A01', '0A01'],
    ['0', '00'],
    ['00', '00'],
    ['12-34', '1234'],
    ['xyz', null],
    ['', null],
  ])('serial %j is %j', (text, serial) => {
    expect(normaliseSerial(text)).toBe(serial);
  });

  it.each([
    ['2025-03-01', '2025-02-28T16:00:00.000Z'],
    ['2025/3/1', '2025-02-28T16:00:00.000Z'],
    ['2025.03.01', '2025-02-28T16:00:00.000Z'],
    ['2025年3月1日', '2025-02-28T16:00:00.000Z'],
    ['2025-03-01 12:30', '2025-03-01T04:30:00.000Z'],
    ['2025-03-01 12:30:15', '2025-03-01T04:30:15.000Z'],
    ['2025-03-01T12:30:15Z', '2025-03-01T12:30:15.000Z'],
    ['2025-03-01T12:30:15.250Z', '2025-03-01T12:30:15.250Z'],
    ['2025-03-01T12:30:15+0530', '2025-03-01T07:00:15.000Z'],
    ['2025-03-01T01:00:00-02:00', '2025-03-01T03:00:00.000Z'],
    ['2024-02-29', '2024-02-28T16:00:00.000Z'],
    ['2025-02-29', null],
    ['2025-04-31', null],
    ['2025-00-10', null],
    ['2025-03-01 24:00', null],
    ['01/03/2025', null],
    ['tomorrow', null],
    ['', null],
  ])('date %j is %j', (text, iso) => {
    expect(parseRaDate(text)).toBe(iso);
  });
});
