import { affectedLinks, incidentSummary, type TopologyLink } from '../../core/extranet-topology.ts';
import { type LinkClass, type LinkState, linkClasses } from '../../core/link-state.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { asLinkState } from './link-tracking-store.ts';
import { asLinkClass, linkVisibleTo } from './link-views.ts';

/** Links per state; a link beneath a DOWN link counts as `affected`, not under its own state. */
export type StateCounts = Record<LinkState | 'affected', number>;

export type OverviewLink = {
  code: string;
  name: string;
  class: LinkClass;
  region: string | null;
  state: LinkState;
  since: string;
  lossRatio: number | null;
  rttAvgMs: number | null;
};

export type RegionCounts = { region: string; name: string; links: number; counts: StateCounts };

export type ExtranetOverview = {
  totals: { links: number; incidents: number; counts: StateCounts };
  /** Per level of the tree (backbone, city, county, department). */
  byClass: { class: LinkClass; links: number; counts: StateCounts }[];
  /** One per DOWN link with nothing DOWN above it, largest first. */
  incidents: { root: OverviewLink; affectedCount: number }[];
  /** Province-level links (and those with no region), then each city with its counties. */
  tree: { province: RegionCounts; cities: (RegionCounts & { counties: RegionCounts[] })[] };
  /** The worst links not explained by an incident: highest loss, highest RTT, down longest. */
  worst: { loss: OverviewLink[]; rtt: OverviewLink[]; longestDown: OverviewLink[] };
  /** Links whose parent chain loops (data to correct). */
  cycles: string[];
};

const worstShown = 10;

function emptyCounts(): StateCounts {
  return { up: 0, degraded: 0, down: 0, unknown: 0, affected: 0 };
}

function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Tally = { links: number; counts: StateCounts };
type RegionRow = { code: string; name: string; kind: string; parent_code: string | null };

function tally(into: Tally, bucket: keyof StateCounts): void {
  into.links += 1;
  into.counts[bucket] += 1;
}

/** Province row, then each city (its own links and its counties') with each county. */
function regionTree(regions: readonly RegionRow[], tallies: Map<string, Tally>): ExtranetOverview['tree'] {
  const row = (r: RegionRow | undefined): RegionCounts => ({
    region: r?.code ?? '',
    name: r?.name ?? '',
    ...(tallies.get(r?.code ?? '') ?? { links: 0, counts: emptyCounts() }),
  });
  return {
    province: row(regions.find((r) => r.kind === 'province')),
    cities: regions
      .filter((r) => r.kind === 'city')
      .map((city) => ({
        ...row(city),
        counties: regions.filter((r) => r.kind === 'county' && r.parent_code === city.code).map(row),
      })),
  };
}

/**
 * The worst links an incident does not explain. Silent links (stale figures) stay out; DOWN
 * links have their own list rather than filling the loss one.
 */
function worstLinks(links: OverviewLink[], affected: Map<string, string>): ExtranetOverview['worst'] {
  const unexplained = links.filter((l) => !affected.has(l.code) && l.state !== 'unknown');
  const carrying = unexplained.filter((l) => l.state !== 'down');
  const top = (candidates: OverviewLink[], key: (l: OverviewLink) => number) =>
    candidates.sort((a, b) => key(b) - key(a) || compareCodes(a.code, b.code)).slice(0, worstShown);
  return {
    loss: top(
      carrying.filter((l) => (l.lossRatio ?? 0) > 0),
      (l) => l.lossRatio ?? 0,
    ),
    rtt: top(
      carrying.filter((l) => l.rttAvgMs !== null),
      (l) => l.rttAvgMs ?? 0,
    ),
    longestDown: top(
      unexplained.filter((l) => l.state === 'down'),
      (l) => -Date.parse(l.since),
    ),
  };
}

/**
 * The network at a glance, from one query over every link and its status plus the regions: each
 * link is counted once, either under its own state or inside the incident of the highest DOWN
 * link above it, so one cut city reads as one incident, not as its thousand departments. A
 * department user sees their own department's links (and the incidents that reach them).
 */
export function extranetOverview({ uow }: { uow: UnitOfWork }) {
  return async function overview(p: Principal): Promise<ExtranetOverview> {
    const db = uow.db();
    const rows = await db
      .selectFrom('links')
      .leftJoin('link_status', 'link_status.link_code', 'links.code')
      .select([
        'links.code',
        'links.name',
        'links.link_class',
        'links.parent_code',
        'links.region_code',
        'links.department_code',
        'links.created_at',
        'link_status.state',
        'link_status.since',
        'link_status.loss_ratio',
        'link_status.rtt_avg_ms',
      ])
      .execute();
    const regions = await db.selectFrom('regions').select(['code', 'name', 'kind', 'parent_code']).execute();

    const all: OverviewLink[] = rows.map((r) => ({
      code: r.code,
      name: r.name,
      class: asLinkClass(r.link_class),
      region: r.region_code,
      state: asLinkState(r.state ?? 'unknown'),
      since: r.since ?? r.created_at,
      lossRatio: r.loss_ratio,
      rttAvgMs: r.rtt_avg_ms,
    }));
    const topology: TopologyLink[] = all.map((l, i) => ({
      code: l.code,
      parentCode: rows[i]!.parent_code,
      state: l.state,
    }));
    const scoped = isScoped(p);
    const visible = scoped ? all.filter((_, i) => linkVisibleTo(p, rows[i]!.department_code)) : all;
    const affected = affectedLinks(topology);

    const totals = emptyCounts();
    const byClass = new Map(linkClasses.map((c) => [c, { links: 0, counts: emptyCounts() }]));
    const byRegion = new Map<string, Tally>();
    const perRoot = new Map<string, number>();
    const cityOf = new Map(regions.map((r) => [r.code, r.kind === 'county' ? r.parent_code : r.code]));
    const provinceCode = regions.find((r) => r.kind === 'province')?.code ?? '';
    for (const link of visible) {
      const root = affected.get(link.code);
      const bucket = root ? 'affected' : link.state;
      totals[bucket] += 1;
      tally(byClass.get(link.class)!, bucket);
      if (root) perRoot.set(root, (perRoot.get(root) ?? 0) + 1);
      else if (link.state === 'down') perRoot.set(link.code, perRoot.get(link.code) ?? 0);
      // A county's links count in its county and in its city; anything else in the province row.
      const region = link.region !== null && cityOf.has(link.region) ? link.region : provinceCode;
      for (const code of new Set([region, cityOf.get(region) ?? provinceCode])) {
        if (!byRegion.has(code)) byRegion.set(code, { links: 0, counts: emptyCounts() });
        tally(byRegion.get(code)!, bucket);
      }
    }

    // Whoever sees every link gets the topology's own summary; a department user the same
    // reckoning over their links.
    const summary = scoped ? null : incidentSummary(topology);
    const linkOf = new Map(all.map((l) => [l.code, l]));
    const incidents = (
      summary?.incidents ?? [...perRoot].map(([rootCode, affectedCount]) => ({ rootCode, affectedCount }))
    )
      .sort((a, b) => b.affectedCount - a.affectedCount || compareCodes(a.rootCode, b.rootCode))
      .map((i) => ({ root: linkOf.get(i.rootCode)!, affectedCount: i.affectedCount }));

    return {
      totals: { links: visible.length, incidents: incidents.length, counts: totals },
      byClass: linkClasses.map((c) => ({ class: c, ...byClass.get(c)! })),
      incidents,
      tree: regionTree(regions, byRegion),
      worst: worstLinks(visible, affected),
      cycles: summary?.cycles ?? [],
    };
  };
}

/** Per class, links by state (`affected` beneath a DOWN link), and the number of incidents: for metrics. */
export type NetworkCounts = { byClass: Record<LinkClass, StateCounts>; incidents: number };

/** The overview's counts alone, over every link, from one small query (a scrape runs it). */
export function networkCounts({ uow }: { uow: UnitOfWork }) {
  return async function counts(): Promise<NetworkCounts> {
    const rows = await uow
      .db()
      .selectFrom('links')
      .leftJoin('link_status', 'link_status.link_code', 'links.code')
      .select(['links.code', 'links.parent_code', 'links.link_class', 'link_status.state'])
      .execute();
    const topology = rows.map((r) => ({
      code: r.code,
      parentCode: r.parent_code,
      state: asLinkState(r.state ?? 'unknown'),
    }));
    const affected = affectedLinks(topology);
    const byClass = Object.fromEntries(linkClasses.map((c) => [c, emptyCounts()])) as Record<LinkClass, StateCounts>;
    rows.forEach((r, i) => {
      byClass[asLinkClass(r.link_class)][affected.has(r.code) ? 'affected' : topology[i]!.state] += 1;
    });
    return { byClass, incidents: incidentSummary(topology).incidents.length };
  };
}
