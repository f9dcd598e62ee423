// The organisation model: administrative regions, the departments (委办局) that sit in them,
// and the data-centre sites of 两地三中心. Shared by the API and the CSV import.
import { z } from 'zod';

export const departmentLevels = ['provincial', 'city', 'county'] as const;
export type DepartmentLevel = (typeof departmentLevels)[number];

export const regionKinds = ['province', 'city', 'county'] as const;
export type RegionKind = (typeof regionKinds)[number];

export const siteRoles = ['production', 'same-city-dr', 'remote-dr'] as const;
export type SiteRole = (typeof siteRoles)[number];

/** An administrative division; `code` is the 6-digit national division code. */
export type Region = {
  code: string;
  name: string;
  kind: RegionKind;
  parentCode: string | null;
};

/** A government department, the tenant of the cloud. */
export type Department = {
  code: string;
  name: string;
  level: DepartmentLevel;
  regionCode: string;
};

/** A data centre of the government cloud. */
export type Site = {
  code: string;
  name: string;
  role: SiteRole;
  regionCode: string;
};

/** Department codes travel in URLs, metric labels and file names, so keep them plain ASCII. */
export const departmentCodePattern = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Input shape of one department, as accepted by the API and by each CSV line. */
export const departmentInput = z.object({
  code: z.string().min(1).max(32).regex(departmentCodePattern),
  name: z.string().trim().min(1).max(100),
  level: z.enum(departmentLevels),
  regionCode: z.string().min(1).max(32),
});
export type DepartmentInput = z.infer<typeof departmentInput>;

const regionKindForLevel: Record<DepartmentLevel, RegionKind> = {
  provincial: 'province',
  city: 'city',
  county: 'county',
};

/** True when a department of `level` may sit in a region of `regionKind` (provincial ↔ province, …). */
export function levelMatchesRegion(level: DepartmentLevel, regionKind: RegionKind): boolean {
  return regionKindForLevel[level] === regionKind;
}

/** The region kind a department of `level` must belong to. */
export function regionKindForDepartmentLevel(level: DepartmentLevel): RegionKind {
  return regionKindForLevel[level];
}
