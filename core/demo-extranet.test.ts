import { describe, expect, it } from 'vitest';
import { targetIdPattern, targetSchema } from './contracts/agent.ts';
import { demoBackboneCode, demoExtranet } from './demo-extranet.ts';
import { demoProvince } from './demo-province.ts';
import { incidentSummary, topologyCycles } from './extranet-topology.ts';

const province = demoProvince();
const links = demoExtranet(province);
const byCode = new Map(links.map((l) => [l.code, l]));
const count = (linkClass: string) => links.filter((l) => l.linkClass === linkClass).length;

describe('demoExtranet', () => {
  it('has one backbone, 16 city, 104 county and 3,196 department links', () => {
    expect([count('backbone'), count('city'), count('county'), count('department')]).toEqual([1, 16, 104, 3196]);
    expect(byCode.size).toBe(links.length);
  });

  it('is one tree rooted at the backbone, with no cycles', () => {
    expect(links.filter((l) => l.parentCode === null).map((l) => l.code)).toEqual([demoBackboneCode]);
    for (const l of links) if (l.parentCode) expect(byCode.has(l.parentCode), l.code).toBe(true);
    expect(topologyCycles(links.map((l) => ({ code: l.code, parentCode: l.parentCode, state: 'up' })))).toEqual([]);
  });

  it('hangs each department under the level it connects to', () => {
    const parentClass = (code: string) => byCode.get(byCode.get(code)!.parentCode!)!.linkClass;
    expect(parentClass('dept-340000-001')).toBe('backbone');
    expect(parentClass('dept-340100-001')).toBe('city');
    expect(parentClass('dept-340102-001')).toBe('county');
    expect(byCode.get('county-340102')!.parentCode).toBe('city-340100');
    for (const d of province.departments) {
      const link = byCode.get(`dept-${d.code}`)!;
      expect(link).toMatchObject({ departmentCode: d.code, regionCode: d.regionCode, name: d.name });
    }
  });

  it('gives every link a valid contract target on a distinct 10.x address', () => {
    const hosts = new Set<string>();
    for (const l of links) {
      expect(l.code).toMatch(targetIdPattern);
      expect(targetSchema.parse({ ...l.probe, id: l.code })).toEqual({ ...l.probe, id: l.code });
      if (l.probe.kind !== 'icmp') throw new Error('demo probes are ICMP');
      expect(l.probe.host).toMatch(/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
      hosts.add(l.probe.host);
    }
    expect(hosts.size).toBe(links.length);
  });

  it('a cut city link reads as one incident over its counties and departments', () => {
    const states = links.map((l) => ({
      code: l.code,
      parentCode: l.parentCode,
      state: l.code === 'city-340100' ? ('down' as const) : ('up' as const),
    }));
    const below = links.filter((l) => l.regionCode.startsWith('3401') && l.code !== 'city-340100').length;
    expect(incidentSummary(states).incidents).toEqual([{ rootCode: 'city-340100', affectedCount: below }]);
  });

  it('is the same every call', () => {
    expect(demoExtranet()).toEqual(links);
  });
});
