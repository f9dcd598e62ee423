import { describe, expect, it } from 'vitest';
import { demoDepartmentCode, demoProvince, spreadEvenly } from './demo-province.ts';
import { departmentInput, levelMatchesRegion, type Region, siteRoles } from './org.ts';

const demo = demoProvince();
const regionsByCode = new Map(demo.regions.map((r) => [r.code, r]));

describe('spreadEvenly', () => {
  const cases: [number, number, number[]][] = [
    [10, 3, [4, 3, 3]],
    [1200, 16, Array(16).fill(75)],
    [5, 5, [1, 1, 1, 1, 1]],
    [2, 4, [1, 1, 0, 0]],
    [7, 0, []],
  ];
  it.each(cases)('%i over %i buckets', (total, buckets, want) => {
    const got = spreadEvenly(total, buckets);
    expect(got).toEqual(want);
    expect(got.reduce((a, b) => a + b, 0)).toBe(buckets > 0 ? total : 0);
  });
});

describe('demoDepartmentCode', () => {
  it.each([
    ['340100', 1, '340100-001'],
    ['341882', 19, '341882-019'],
    ['340000', 96, '340000-096'],
  ] as const)('%s #%i → %s', (region, seq, want) => {
    expect(demoDepartmentCode(region, seq)).toBe(want);
  });
});

describe('demoProvince regions', () => {
  const byKind = (kind: Region['kind']) => demo.regions.filter((r) => r.kind === kind);

  it('has one province, 16 cities and 104 county-level divisions', () => {
    expect(byKind('province')).toEqual([{ code: '340000', name: '安徽省', kind: 'province', parentCode: null }]);
    expect(byKind('city').map((c) => `${c.code} ${c.name}`)).toEqual([
      '340100 合肥市',
      '340200 芜湖市',
      '340300 蚌埠市',
      '340400 淮南市',
      '340500 马鞍山市',
      '340600 淮北市',
      '340700 铜陵市',
      '340800 安庆市',
      '341000 黄山市',
      '341100 滁州市',
      '341200 阜阳市',
      '341300 宿州市',
      '341500 六安市',
      '341600 亳州市',
      '341700 池州市',
      '341800 宣城市',
    ]);
    expect(byKind('county')).toHaveLength(104);
  });

  it('parents every city on the province and every county on a city sharing its prefix', () => {
    for (const city of byKind('city')) expect(city.parentCode).toBe('340000');
    for (const county of byKind('county')) {
      const parent = regionsByCode.get(county.parentCode ?? '');
      expect(parent?.kind, county.name).toBe('city');
      expect(parent?.code.slice(0, 4)).toBe(county.code.slice(0, 4));
    }
  });

  it('has unique 6-digit codes and unique names', () => {
    const codes = demo.regions.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^34\d{4}$/);
    const names = demo.regions.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('demoProvince departments', () => {
  it('counts 96 provincial, 1,200 city and 1,900 county departments', () => {
    const count = (level: string) => demo.departments.filter((d) => d.level === level).length;
    expect([count('provincial'), count('city'), count('county')]).toEqual([96, 1200, 1900]);
    expect(demo.departments).toHaveLength(3196);
  });

  it('gives every city 75 departments and every county 18 or 19', () => {
    const perRegion = new Map<string, number>();
    for (const d of demo.departments) perRegion.set(d.regionCode, (perRegion.get(d.regionCode) ?? 0) + 1);
    for (const r of demo.regions) {
      const n = perRegion.get(r.code);
      if (r.kind === 'city') expect(n, r.name).toBe(75);
      if (r.kind === 'county') expect([18, 19], r.name).toContain(n);
    }
  });

  it('puts every department in a known region of the matching kind', () => {
    for (const d of demo.departments) {
      const region = regionsByCode.get(d.regionCode);
      expect(region, d.code).toBeDefined();
      if (region) expect(levelMatchesRegion(d.level, region.kind), d.code).toBe(true);
    }
  });

  it('has unique codes, names unique within a region, and passes the input schema', () => {
    const codes = new Set(demo.departments.map((d) => d.code));
    expect(codes.size).toBe(demo.departments.length);
    const names = new Set(demo.departments.map((d) => `${d.regionCode}/${d.name}`));
    expect(names.size).toBe(demo.departments.length);
    for (const d of demo.departments) expect(departmentInput.parse(d)).toEqual(d);
  });

  it('names departments after their region', () => {
    const find = (code: string) => demo.departments.find((d) => d.code === code);
    expect(find('340000-001')?.name).toBe('安徽省纪委监委');
    expect(find('340100-013')?.name).toBe('合肥市发展和改革委员会');
    expect(find('340123-006')?.name).toBe('肥西县教育局');
    for (const d of demo.departments) {
      const region = regionsByCode.get(d.regionCode);
      if (d.level !== 'provincial') expect(d.name.startsWith(region?.name ?? '?')).toBe(true);
    }
  });
});

describe('demoProvince sites and determinism', () => {
  it('has one site per 两地三中心 role, remote DR in another city', () => {
    expect(demo.sites.map((s) => s.role)).toEqual([...siteRoles]);
    const [prod, sameCity, remote] = demo.sites;
    expect(prod).toMatchObject({ code: 'prod-hefei', name: '省政务云主中心', regionCode: '340100' });
    expect(sameCity).toMatchObject({ code: 'dr-hefei', name: '省政务云同城灾备中心', regionCode: '340100' });
    expect(remote).toMatchObject({ code: 'dr-remote', name: '省政务云异地灾备中心' });
    expect(remote?.regionCode).not.toBe(prod?.regionCode);
    expect(regionsByCode.get(remote?.regionCode ?? '')?.kind).toBe('city');
  });

  it('returns deep-equal but independent data on every call', () => {
    const again = demoProvince();
    expect(again).toEqual(demo);
    expect(again.departments).not.toBe(demo.departments);
    expect(again.regions[0]).not.toBe(demo.regions[0]);
  });
});
