import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { formatSystemsCsv, parseSystemsCsv, type SystemsCsvContext, splitDependsOn } from './systems-csv.ts';

const ctx: SystemsCsvContext = {
  departments: new Set(['340000-001', '340100-044', '340102-019']),
  sites: new Set(['prod-hefei', 'dr-hefei']),
  graph: new Map([
    ['CITY-XCH', []],
    ['OLD', ['CITY-XCH']],
  ]),
  owners: new Map([
    ['CITY-XCH', '340100-044'],
    ['OLD', '340000-001'],
  ]),
  scope: null,
};

const header =
  'code,name,department,description,mlpsLevel,network,hosting,hostingSite,dataVolumeGiB,rpoSeconds,rtoSeconds,targetDrLevel,dependsOn';

describe('parseSystemsCsv', () => {
  it('reads every column, with defaults for blanks', () => {
    const r = parseSystemsCsv(
      [
        header,
        'S1,行政审批系统,340000-001,"审批, 备案",3,extranet,cloud,prod-hefei,500,900,3600,4,CITY-XCH;OLD',
        'S2,门户网站,340000-001,,,internet,own-machine-room,,,,,,',
      ].join('\r\n'),
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      systems: [
        {
          code: 'S1',
          name: '行政审批系统',
          department: '340000-001',
          description: '审批, 备案',
          mlpsLevel: 3,
          network: 'extranet',
          hosting: 'cloud',
          hostingSite: 'prod-hefei',
          dataVolumeGiB: 500,
          rpoSeconds: 900,
          rtoSeconds: 3600,
          targetDrLevel: 4,
          dependsOn: ['CITY-XCH', 'OLD'],
        },
        {
          code: 'S2',
          name: '门户网站',
          department: '340000-001',
          description: '',
          mlpsLevel: null,
          network: 'internet',
          hosting: 'own-machine-room',
          hostingSite: null,
          dataVolumeGiB: 0,
          rpoSeconds: null,
          rtoSeconds: null,
          targetDrLevel: null,
          dependsOn: [],
        },
      ],
    });
  });

  it('reads Chinese headers and values, and only the required columns', () => {
    const r = parseSystemsCsv(
      '系统编码,系统名称,所属部门,等保级别,所在网络,部署方式,部署站点,依赖系统\nZ1,电子公文系统,340100-044,三级,电子政务外网,政务云,prod-hefei,CITY-XCH；OLD\n',
      ctx,
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.systems[0]).toMatchObject({
        mlpsLevel: 3,
        network: 'extranet',
        hosting: 'cloud',
        dependsOn: ['CITY-XCH', 'OLD'],
      });
    }
  });

  it.each([
    ['a bad MLPS level', 'B1,n,340000-001,,6,extranet,own-machine-room,,,,,,', 'mlpsLevel', 'too_big'],
    [
      'a level that is not a number',
      'B1,n,340000-001,,high,extranet,own-machine-room,,,,,,',
      'mlpsLevel',
      'whole_number',
    ],
    ['an unknown network', 'B1,n,340000-001,,2,satellite,own-machine-room,,,,,,', 'network', 'invalid_value'],
    ['a missing name', 'B1,,340000-001,,2,extranet,own-machine-room,,,,,,', 'name', 'required'],
    ['a bad code', 'B 1,n,340000-001,,2,extranet,own-machine-room,,,,,,', 'code', 'invalid_format'],
    ['an unknown department', 'B1,n,999,,2,extranet,own-machine-room,,,,,,', 'department', 'unknown_department'],
    ['cloud without a site', 'B1,n,340000-001,,2,extranet,cloud,,,,,,', 'hostingSite', 'site_required_on_cloud'],
    [
      'a site for a machine room',
      'B1,n,340000-001,,2,extranet,own-machine-room,prod-hefei,,,,,',
      'hostingSite',
      'site_only_on_cloud',
    ],
    ['an unknown site', 'B1,n,340000-001,,2,extranet,cloud,mars,,,,,', 'hostingSite', 'unknown_site'],
    ['a negative RPO', 'B1,n,340000-001,,2,extranet,own-machine-room,,,-5,,,', 'rpoSeconds', 'whole_number'],
    ['a DR level of 7', 'B1,n,340000-001,,2,extranet,own-machine-room,,,,,7,', 'targetDrLevel', 'too_big'],
    ['an unknown dependency', 'B1,n,340000-001,,2,extranet,own-machine-room,,,,,,NOPE', 'dependsOn', 'unknown_system'],
  ])('refuses %s with line, field and rule', (_, line, field, rule) => {
    const r = parseSystemsCsv(`${header}\n${line}\n`, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContainEqual(expect.objectContaining({ line: 2, field, rule }));
  });

  it('reports every bad line at once, and duplicates with the line they repeat', () => {
    const r = parseSystemsCsv(
      [
        header,
        'D1,n,340000-001,,2,extranet,own-machine-room,,,,,,',
        'D2,,340000-001,,9,extranet,own-machine-room,,,,,,',
        'D1,again,340000-001,,2,extranet,own-machine-room,,,,,,',
      ].join('\n'),
      ctx,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.line, e.field, e.rule])).toEqual([
        [3, 'name', 'required'],
        [3, 'mlpsLevel', 'too_big'],
        [4, 'code', 'duplicate'],
      ]);
      expect(r.errors[2]!.detail).toEqual({ otherLine: 2 });
    }
  });

  it('names a dependency cycle across the file and the store', () => {
    // CITY-XCH is stored; the file makes it depend on C1, which depends on it.
    const r = parseSystemsCsv(
      [
        header,
        'C1,n,340000-001,,2,extranet,own-machine-room,,,,,,CITY-XCH',
        'CITY-XCH,交换,340100-044,,3,extranet,own-machine-room,,,,,,C1',
      ].join('\n'),
      ctx,
    );
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          line: 2,
          field: 'dependsOn',
          rule: 'dependency_cycle',
          value: 'C1 → CITY-XCH → C1',
          detail: { cycle: ['C1', 'CITY-XCH', 'C1'] },
        },
      ],
    });
  });

  it('confines a department user to their department', () => {
    const scoped = { ...ctx, scope: '340000-001' };
    const r = parseSystemsCsv(
      [
        header,
        'X1,n,340100-044,,2,extranet,own-machine-room,,,,,,',
        'CITY-XCH,n,340000-001,,2,extranet,own-machine-room,,,,,,',
      ].join('\n'),
      scoped,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.line, e.field, e.rule])).toEqual([
        [2, 'department', 'outside_department'],
        [3, 'code', 'outside_department'],
      ]);
    }
  });

  it.each([
    ['an unknown column', 'code,name,department,network,hosting,colour', 'unknown_column'],
    ['a missing column', 'code,name,department,network', 'missing_column'],
    ['a repeated column', 'code,编码,name,department,network,hosting', 'duplicate_column'],
  ])('refuses a header with %s on line 1', (_, head, rule) => {
    const r = parseSystemsCsv(`${head}\n`, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ line: 1, rule });
  });

  it('refuses broken CSV with the line of the open quote', () => {
    const r = parseSystemsCsv(`${header}\nQ1,"unclosed,340000-001`, ctx);
    expect(r).toEqual({ ok: false, errors: [{ line: 2, field: '', rule: 'unterminated_quote', value: '' }] });
  });
});

describe('formatSystemsCsv', () => {
  it('exports what the import reads back unchanged, formulas neutralised', () => {
    const systems = [
      {
        code: 'E1',
        name: '=cmd 系统',
        department: '340000-001',
        description: 'line one\nline two',
        mlpsLevel: 3,
        network: 'extranet' as const,
        hosting: 'cloud' as const,
        hostingSite: 'prod-hefei',
        dataVolumeGiB: 10,
        rpoSeconds: 0,
        rtoSeconds: null,
        targetDrLevel: 5,
        dependsOn: ['CITY-XCH', 'OLD'],
      },
    ];
    const text = formatSystemsCsv(systems);
    expect(parseCsv(text)[1]![1]).toBe("'=cmd 系统");
    expect(parseSystemsCsv(text, ctx)).toEqual({ ok: true, systems });
  });

  it('splits dependencies on either semicolon, dropping blanks and repeats', () => {
    expect(splitDependsOn(' A; B；;A ')).toEqual(['A', 'B']);
  });
});
