import { describe, expect, it } from 'vitest';
import { type TopologyLink, affectedLinks, incidentSummary, topologyCycles } from './extranet-topology.ts';
import type { LinkState } from './link-state.ts';

/** `code<parent:state` for short tables: `K1<C1:down`; no parent for `P:up`. */
function parse(spec: string): TopologyLink[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((item) => {
      const [codes, state] = item.split(':') as [string, LinkState];
      const [code, parentCode] = codes.split('<') as [string, string | undefined];
      return { code, parentCode: parentCode ?? null, state };
    });
}

describe('affectedLinks', () => {
  const cases: { name: string; links: string; affected: Record<string, string> }[] = [
    { name: 'nothing down', links: 'P:up C<P:up K<C:degraded', affected: {} },
    { name: 'a down leaf explains nothing', links: 'P:up C<P:up D<C:down', affected: {} },
    {
      name: 'a down city explains its counties and departments, whatever their own state',
      links: 'P:up C<P:down K<C:up D1<K:down D2<K:unknown C2<P:up',
      affected: { K: 'C', D1: 'C', D2: 'C' },
    },
    {
      name: 'the highest down ancestor wins',
      links: 'P:down C<P:down K<C:up D<K:down',
      affected: { C: 'P', K: 'P', D: 'P' },
    },
    {
      name: 'children listed before their parents',
      links: 'D<K:up K<C:up C<P:down P:up',
      affected: { K: 'C', D: 'C' },
    },
    {
      name: 'a parent missing from the set makes a root',
      links: 'C<gone:down K<C:up',
      affected: { K: 'C' },
    },
    {
      name: 'a link that is its own parent is a root',
      links: 'A<A:down B<A:up',
      affected: { B: 'A' },
    },
    {
      name: 'a two-link cycle: both are roots, their subtrees still resolve',
      links: 'A<B:down B<A:up K<A:up D<K:up',
      affected: { K: 'A', D: 'A' },
    },
  ];

  it.each(cases)('$name', ({ links, affected }) => {
    expect(Object.fromEntries(affectedLinks(parse(links)))).toEqual(affected);
  });

  it('reports cycles instead of hanging', () => {
    const links = parse('A<C:up B<A:up C<B:down X<X:up K<A:up P:up');
    expect(topologyCycles(links)).toEqual(['A', 'B', 'C', 'X']);
    expect(incidentSummary(links).cycles).toEqual(['A', 'B', 'C', 'X']);
    expect(topologyCycles(parse('P:up C<P:up'))).toEqual([]);
  });

  it('walks a chain of 20,000 links without overflowing the stack', () => {
    const chain: TopologyLink[] = Array.from({ length: 20_000 }, (_, i) => ({
      code: `L${i}`,
      parentCode: i === 0 ? null : `L${i - 1}`,
      state: i === 0 ? 'down' : 'up',
    }));
    chain.reverse(); // deepest first: the first walk climbs the whole chain
    const affected = affectedLinks(chain);
    expect(affected.size).toBe(19_999);
    expect(affected.get('L19999')).toBe('L0');
  });
});

describe('incidentSummary', () => {
  it('counts each link once: unaffected by state, the rest inside their root incident', () => {
    const links = parse(`
      P:up
      C1<P:down K11<C1:down D111<K11:down D112<K11:up K12<C1:unknown
      C2<P:degraded K21<C2:down D211<K21:up D212<K21:down D213<K21:down
      K22<C2:up D221<K22:down D222<K22:up
      C3<P:unknown
    `);
    const summary = incidentSummary(links);
    expect(summary).toEqual({
      byState: { up: 3, degraded: 1, down: 3, unknown: 1 },
      incidents: [
        { rootCode: 'C1', affectedCount: 4 },
        { rootCode: 'K21', affectedCount: 3 },
        { rootCode: 'D221', affectedCount: 0 },
      ],
      affectedTotal: 7,
      cycles: [],
    });
    const counted = Object.values(summary.byState).reduce((a, b) => a + b, 0) + summary.affectedTotal;
    expect(counted).toBe(links.length);
  });

  it('orders incidents of equal size by root code', () => {
    const { incidents } = incidentSummary(parse('P:up B<P:down A<P:down Z<P:down Z1<Z:up'));
    expect(incidents.map((i) => i.rootCode)).toEqual(['Z', 'A', 'B']);
  });

  it('an empty estate has nothing in any state', () => {
    expect(incidentSummary([])).toEqual({
      byState: { up: 0, degraded: 0, down: 0, unknown: 0 },
      incidents: [],
      affectedTotal: 0,
      cycles: [],
    });
  });

  it('a province of 16 cities × 20 counties × 10 departments reads as a handful of incidents', () => {
    // City 3 is cut off (its counties' and departments' probes fail too), one county of city 7 is
    // down, four department lines are down on their own.
    const links: TopologyLink[] = [{ code: 'P', parentCode: null, state: 'up' }];
    for (let c = 1; c <= 16; c++) {
      links.push({ code: `C${c}`, parentCode: 'P', state: c === 3 ? 'down' : 'up' });
      for (let k = 1; k <= 20; k++) {
        const countyDown = c === 3 || (c === 7 && k === 5);
        links.push({ code: `C${c}K${k}`, parentCode: `C${c}`, state: countyDown ? 'down' : 'up' });
        for (let d = 1; d <= 10; d++) {
          const alone = c === 12 && k <= 4 && d === 1;
          links.push({ code: `C${c}K${k}D${d}`, parentCode: `C${c}K${k}`, state: countyDown || alone ? 'down' : 'up' });
        }
      }
    }
    links.reverse();
    expect(incidentSummary(links)).toEqual({
      byState: { up: 1 + 15 + 299 + 2986, degraded: 0, down: 1 + 1 + 4, unknown: 0 },
      incidents: [
        { rootCode: 'C3', affectedCount: 220 },
        { rootCode: 'C7K5', affectedCount: 10 },
        { rootCode: 'C12K1D1', affectedCount: 0 },
        { rootCode: 'C12K2D1', affectedCount: 0 },
        { rootCode: 'C12K3D1', affectedCount: 0 },
        { rootCode: 'C12K4D1', affectedCount: 0 },
      ],
      affectedTotal: 230,
      cycles: [],
    });
  });
});
