// A deterministic demo province shaped like the Anhui extranet report (seed 000): 96 provincial
// units, 1,200 city and 1,900 county departments, and the three centres of 两地三中心.
import { cityDepartmentSuffixes, countyDepartmentSuffixes, provincialUnitNames } from './demo-department-names.ts';
import { anhuiProvince, anhuiRegions } from './demo-regions.ts';
import type { Department, DepartmentLevel, Region, Site } from './org.ts';

/** Departments connected to the extranet per level, from the provincial report. */
export const demoDepartmentCounts = {
  provincial: 96,
  city: 1200,
  county: 1900,
} as const satisfies Record<DepartmentLevel, number>;

export type DemoProvince = {
  regions: Region[];
  departments: Department[];
  sites: Site[];
};

/** Split `total` over `buckets` as evenly as possible; earlier buckets take the remainder. */
export function spreadEvenly(total: number, buckets: number): number[] {
  if (buckets <= 0) return [];
  const base = Math.floor(total / buckets);
  const extra = total - base * buckets;
  return Array.from({ length: buckets }, (_, i) => base + (i < extra ? 1 : 0));
}

/** A department code stable across runs: `<region code>-<3-digit sequence>`, e.g. 340100-001. */
export function demoDepartmentCode(regionCode: string, seq: number): string {
  return `${regionCode}-${String(seq).padStart(3, '0')}`;
}

function departmentsIn(region: Region, level: DepartmentLevel, names: readonly string[]): Department[] {
  return names.map((name, i) => ({
    code: demoDepartmentCode(region.code, i + 1),
    name,
    level,
    regionCode: region.code,
  }));
}

function suffixedNames(region: Region, suffixes: readonly string[], count: number): string[] {
  if (count > suffixes.length) {
    throw new Error(`demo province: ${region.name} needs ${count} department names, only ${suffixes.length} exist`);
  }
  return suffixes.slice(0, count).map((suffix) => region.name + suffix);
}

/** The three centres: production and same-city DR in Hefei, remote DR in Huangshan (~300 km). */
export function demoSites(): Site[] {
  return [
    {
      code: 'prod-hefei',
      name: '省政务云主中心',
      role: 'production',
      regionCode: '340100',
    },
    {
      code: 'dr-hefei',
      name: '省政务云同城灾备中心',
      role: 'same-city-dr',
      regionCode: '340100',
    },
    {
      code: 'dr-remote',
      name: '省政务云异地灾备中心',
      role: 'remote-dr',
      regionCode: '341000',
    },
  ];
}

/** The demo province: Anhui's regions, 3,196 departments and three sites; same result every call. */
export function demoProvince(): DemoProvince {
  const regions = anhuiRegions();
  const province = regions.find((r) => r.code === anhuiProvince.code);
  if (province === undefined) throw new Error('demo province: no province');
  const cities = regions.filter((r) => r.kind === 'city');
  const counties = regions.filter((r) => r.kind === 'county');

  const departments: Department[] = [];
  if (demoDepartmentCounts.provincial > provincialUnitNames.length) {
    throw new Error('demo province: not enough provincial unit names');
  }
  departments.push(
    ...departmentsIn(province, 'provincial', provincialUnitNames.slice(0, demoDepartmentCounts.provincial)),
  );
  const perCity = spreadEvenly(demoDepartmentCounts.city, cities.length);
  cities.forEach((city, i) => {
    const names = suffixedNames(city, cityDepartmentSuffixes, perCity[i] ?? 0);
    departments.push(...departmentsIn(city, 'city', names));
  });
  const perCounty = spreadEvenly(demoDepartmentCounts.county, counties.length);
  counties.forEach((county, i) => {
    const names = suffixedNames(county, countyDepartmentSuffixes, perCounty[i] ?? 0);
    departments.push(...departmentsIn(county, 'county', names));
  });

  return { regions, departments, sites: demoSites() };
}
