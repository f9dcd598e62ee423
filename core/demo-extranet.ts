// The demo province's extranet as a tree of links: the provincial backbone, one link per city and
// per county, and one access link per department site, hung under the level it connects to.
import type { Target } from './contracts/agent.ts';
import { type DemoProvince, demoProvince } from './demo-province.ts';
import type { LinkClass } from './link-state.ts';
import type { Region } from './org.ts';

/** What a link measures: the contract's target without its id (the link's code is the id). */
export type LinkProbe = DistributiveOmit<Target, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type DemoLink = {
  code: string;
  name: string;
  linkClass: LinkClass;
  /** Null only for the backbone, the root of the tree. */
  parentCode: string | null;
  regionCode: string;
  /** The department the access link serves; null for backbone, city and county links. */
  departmentCode: string | null;
  probe: LinkProbe;
};

/** The province's backbone link, root of the demo tree. */
export const demoBackboneCode = 'bb-340000';

/** Link codes the demo uses: the class as a prefix, then the region or department code. */
export function demoLinkCode(kind: 'city' | 'county' | 'dept', code: string): string {
  return `${kind}-${code}`;
}

/** ICMP every 30 s, 10 packets of 1 s: the contract's defaults, written out so the demo reads plainly. */
function icmp(host: string): LinkProbe {
  return { kind: 'icmp', host, intervalSeconds: 30, packets: 10, timeoutMs: 1000 };
}

/**
 * The demo tree, same result every call: 1 backbone, 16 city, 104 county and 3,196 department
 * links (3,317 in all). Provincial units hang off the backbone, city departments off their city,
 * county departments off their county. Addresses follow a plan an operator would recognise:
 * `10.<city>.0.1` for a city's gateway, `10.<city>.1.x` for its departments,
 * `10.<city>.<10+county>.1` for a county and `.2…` for the county's departments, `10.0.1.x` for
 * provincial units. No link has an agent: each stays UNKNOWN until an operator assigns one.
 */
export function demoExtranet(province: DemoProvince = demoProvince()): DemoLink[] {
  const provinceRegion = province.regions.find((r) => r.kind === 'province');
  if (!provinceRegion) throw new Error('demo extranet: no province');
  const cities = province.regions.filter((r) => r.kind === 'city');
  const countiesOf = new Map<string, Region[]>();
  for (const r of province.regions) {
    if (r.kind === 'county' && r.parentCode) countiesOf.set(r.parentCode, [...(countiesOf.get(r.parentCode) ?? []), r]);
  }

  const links: DemoLink[] = [
    {
      code: demoBackboneCode,
      name: `${provinceRegion.name}电子政务外网省级骨干网`,
      linkClass: 'backbone',
      parentCode: null,
      regionCode: provinceRegion.code,
      departmentCode: null,
      probe: icmp('10.0.0.1'),
    },
  ];
  // Where each region's departments attach, and the address block they take hosts from.
  const attach = new Map<string, { parent: string; block: string; first: number }>([
    [provinceRegion.code, { parent: demoBackboneCode, block: '10.0.1', first: 1 }],
  ]);

  cities.forEach((city, i) => {
    const cityCode = demoLinkCode('city', city.code);
    const octet = i + 1;
    links.push({
      code: cityCode,
      name: `${city.name}电子政务外网城域网`,
      linkClass: 'city',
      parentCode: demoBackboneCode,
      regionCode: city.code,
      departmentCode: null,
      probe: icmp(`10.${octet}.0.1`),
    });
    attach.set(city.code, { parent: cityCode, block: `10.${octet}.1`, first: 1 });
    (countiesOf.get(city.code) ?? []).forEach((county, j) => {
      const countyCode = demoLinkCode('county', county.code);
      const block = `10.${octet}.${10 + j + 1}`;
      links.push({
        code: countyCode,
        name: `${county.name}电子政务外网接入`,
        linkClass: 'county',
        parentCode: cityCode,
        regionCode: county.code,
        departmentCode: null,
        probe: icmp(`${block}.1`),
      });
      attach.set(county.code, { parent: countyCode, block, first: 2 });
    });
  });

  const seq = new Map<string, number>();
  for (const d of province.departments) {
    const at = attach.get(d.regionCode);
    if (!at) throw new Error(`demo extranet: department ${d.code} sits in unknown region ${d.regionCode}`);
    const n = seq.get(d.regionCode) ?? 0;
    seq.set(d.regionCode, n + 1);
    const host = at.first + n;
    if (host > 254) throw new Error(`demo extranet: address block ${at.block} is full`);
    links.push({
      code: demoLinkCode('dept', d.code),
      name: d.name,
      linkClass: 'department',
      parentCode: at.parent,
      regionCode: d.regionCode,
      departmentCode: d.code,
      probe: icmp(`${at.block}.${host}`),
    });
  }
  return links;
}
