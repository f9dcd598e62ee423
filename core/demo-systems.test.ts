import { describe, expect, it } from 'vitest';
import { demoProvince } from './demo-province.ts';
import { demoSystems } from './demo-systems.ts';
import { findDependencyCycle } from './system-dependencies.ts';
import { hostingProblems, systemFields } from './system-input.ts';

const province = demoProvince();
const systems = demoSystems(province);
const departments = new Map(province.departments.map((d) => [d.code, d]));
const share = (f: (s: (typeof systems)[number]) => boolean) => systems.filter(f).length / systems.length;

describe('demo systems', () => {
  it('has the report’s 1,473 systems: 36 national vertical, 61 provincial, 640 city, 736 county', () => {
    expect(systems).toHaveLength(1473);
    const count = (kind: string) => systems.filter((s) => s.kind === kind).length;
    expect([count('national'), count('provincial'), count('city'), count('county')]).toEqual([36, 61, 640, 736]);
  });

  it('gives each system a unique code, a valid record and an owner at its own level', () => {
    expect(new Set(systems.map((s) => s.code)).size).toBe(systems.length);
    const level = { national: 'provincial', provincial: 'provincial', city: 'city', county: 'county' } as const;
    for (const s of systems) {
      expect(systemFields.safeParse(s).success).toBe(true);
      expect(hostingProblems(s)).toEqual([]);
      expect(departments.get(s.department)?.level).toBe(level[s.kind]);
    }
  });

  it('is the same every call', () => {
    expect(demoSystems(demoProvince())).toEqual(systems);
  });

  it('names systems the way departments do', () => {
    const names = systems.map((s) => s.name);
    expect(names).toContain('金税三期工程税收管理系统');
    expect(names).toContain('合肥市数据共享交换平台');
    expect(names.some((n) => /^合肥市.+局行政审批系统$/.test(n))).toBe(true);
    expect(names.some((n) => n.endsWith('视频会议系统'))).toBe(true);
  });

  it('grades mostly at MLPS 2 and 3, some at 4, some not yet', () => {
    expect(share((s) => s.mlpsLevel === 2 || s.mlpsLevel === 3)).toBeGreaterThan(0.8);
    expect(share((s) => s.mlpsLevel === 4)).toBeGreaterThan(0.02);
    expect(share((s) => s.mlpsLevel === null)).toBeGreaterThan(0.03);
    expect(systems.filter((s) => s.kind === 'national').every((s) => (s.mlpsLevel ?? 0) >= 3)).toBe(true);
  });

  it('keeps targets consistent with the level: level 3+ at DR level 4–5 with RPO ≤ 15 min', () => {
    for (const s of systems) {
      if (s.mlpsLevel === null) expect([s.targetDrLevel, s.rpoSeconds, s.rtoSeconds]).toEqual([null, null, null]);
      else if (s.mlpsLevel >= 3) {
        expect(s.targetDrLevel).toBeGreaterThanOrEqual(4);
        expect(s.rpoSeconds).toBeLessThanOrEqual(900);
      } else expect(s.targetDrLevel).toBeLessThanOrEqual(3);
    }
  });

  it('sits mostly on the extranet and in own machine rooms, some already on the cloud', () => {
    expect(share((s) => s.network === 'extranet')).toBeGreaterThan(0.7);
    const cloud = systems.filter((s) => s.hosting === 'cloud');
    expect(cloud.length / systems.length).toBeGreaterThan(0.03);
    expect(cloud.length / systems.length).toBeLessThan(0.3);
    expect(cloud.every((s) => s.hostingSite === 'prod-hefei')).toBe(true);
  });

  it('depends county → city exchange → province exchange, known and acyclic', () => {
    const codes = new Set(systems.map((s) => s.code));
    const edges = systems.flatMap((s) => s.dependsOn.map((d) => [s, d] as const));
    expect(edges.length).toBe(104 + 16);
    expect(edges.every(([, d]) => codes.has(d))).toBe(true);
    expect(findDependencyCycle(new Map(systems.map((s) => [s.code, s.dependsOn])))).toBeNull();
    const feyxi = systems.find((s) => s.department.startsWith('340123-') && s.dependsOn.length)!;
    expect(feyxi.dependsOn).toEqual(['340100-044-exchange']);
  });
});
