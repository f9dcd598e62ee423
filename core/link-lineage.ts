import { linkParents } from './extranet-topology.ts';

/**
 * A link's place in the extranet tree as labels, for the console's `govops_extranet_link_info`:
 * which backbone, city and county links lie on its path from the root (itself included), and its
 * city. Alertmanager matches on these to keep the links beneath a DOWN upstream link from paging.
 */

/** One link as the lineage needs it; `city` is the city region its own region belongs to, if any. */
export type LineageLink = { code: string; parentCode: string | null; linkClass: string; city: string | null };

/** The labels that place a link in the tree; a level the path does not pass through is absent. */
export type LinkLineage = {
  class: string;
  city?: string;
  backbone_link?: string;
  city_link?: string;
  county_link?: string;
};

const levelLabels = ['backbone_link', 'city_link', 'county_link'] as const;

/** Which label names the link of each class on the path (department links name only themselves, as `target`). */
const levelLabel: Partial<Record<string, (typeof levelLabels)[number]>> = {
  backbone: 'backbone_link',
  city: 'city_link',
  county: 'county_link',
};

/**
 * Every link's lineage, in one pass over the tree as core/extranet-topology.ts resolves it (a
 * missing parent or a parent cycle makes a link a root): a link inherits its parent's levels and
 * adds its own; its city is that of its own region, else that of the link above.
 */
export function linkLineages(links: readonly LineageLink[]): Map<string, LinkLineage> {
  const byCode = new Map(links.map((l) => [l.code, l]));
  const placed = new Map<string, LinkLineage>();
  for (const [code, parent] of linkParents(links)) {
    const link = byCode.get(code)!;
    const above = parent === null ? undefined : placed.get(parent);
    const lineage: LinkLineage = { class: link.linkClass };
    for (const label of levelLabels) if (above?.[label]) lineage[label] = above[label];
    const level = levelLabel[link.linkClass];
    if (level) lineage[level] = link.code;
    const city = link.city ?? above?.city;
    if (city) lineage.city = city;
    placed.set(code, lineage);
  }
  return placed;
}
