import { type LinkState, linkStates } from './link-state.ts';

/**
 * The extranet as a tree: provincial backbone → city → county → department site. When a link
 * goes DOWN every site beneath it loses the province too, whatever its own probes say; network
 * staff must see that as one incident at the highest failed link, not as thousands of alarms.
 */

export type TopologyLink = { code: string; parentCode: string | null; state: LinkState };

export type Incident = {
  /** The DOWN link with no DOWN link above it. */
  rootCode: string;
  /** Links beneath the root, at any depth and in any state of their own. */
  affectedCount: number;
};

export type IncidentSummary = {
  /** Links not under a DOWN ancestor, by their own state (incident roots count here as down). */
  byState: Record<LinkState, number>;
  /** Largest first; equal sizes by root code. */
  incidents: Incident[];
  affectedTotal: number;
  /** Links on a parent cycle, sorted; each is treated as a root until its parent is corrected. */
  cycles: string[];
};

type Resolved = {
  byCode: Map<string, TopologyLink>;
  /** The parent each link is walked through: null for roots, missing parents and cycle members. */
  parentOf: Map<string, string | null>;
  /** The highest DOWN link among a link and its ancestors, or null when there is none. */
  highestDownFrom: Map<string, string | null>;
  cycles: Set<string>;
};

/**
 * Resolves every link once. Each walk climbs until it meets a link already resolved, so the
 * whole set costs time linear in its size; the walk is iterative, so a long chain cannot
 * overflow the stack, and a link met twice on one walk marks a cycle instead of looping.
 */
function resolve(links: readonly TopologyLink[]): Resolved {
  // Codes are unique in the store; should one repeat, the later entry stands.
  const byCode = new Map(links.map((link) => [link.code, link]));
  const cycles = new Set<string>();
  const parentOf = new Map<string, string | null>();
  const highestDownFrom = new Map<string, string | null>();

  for (const start of byCode.keys()) {
    if (highestDownFrom.has(start)) continue;
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let current: string | null = start;
    while (current !== null && !highestDownFrom.has(current)) {
      const seenAt = onPath.get(current);
      if (seenAt !== undefined) {
        for (const code of path.slice(seenAt)) cycles.add(code);
        break;
      }
      onPath.set(current, path.length);
      path.push(current);
      const parent: string | null = byCode.get(current)!.parentCode;
      current = parent !== null && byCode.has(parent) ? parent : null;
    }
    // Resolve from the top of the walk down, so every parent is known before its children.
    for (let i = path.length - 1; i >= 0; i--) {
      const code = path[i]!;
      const link = byCode.get(code)!;
      const parent =
        cycles.has(code) || link.parentCode === null || !byCode.has(link.parentCode) ? null : link.parentCode;
      parentOf.set(code, parent);
      const above = parent === null ? null : (highestDownFrom.get(parent) ?? null);
      highestDownFrom.set(code, above ?? (link.state === 'down' ? code : null));
    }
  }
  return { byCode, parentOf, highestDownFrom, cycles };
}

function affectedFrom({ byCode, parentOf, highestDownFrom }: Resolved): Map<string, string> {
  const affected = new Map<string, string>();
  for (const code of byCode.keys()) {
    const parent = parentOf.get(code) ?? null;
    const root = parent === null ? null : (highestDownFrom.get(parent) ?? null);
    if (root !== null) affected.set(code, root);
  }
  return affected;
}

/**
 * For every link beneath a DOWN link: the code of the highest DOWN ancestor that explains it.
 * Links whose parent is not in the set are roots; links on a parent cycle are treated as roots.
 */
export function affectedLinks(links: readonly TopologyLink[]): Map<string, string> {
  return affectedFrom(resolve(links));
}

/**
 * Counts for the network overview: each link beneath a DOWN ancestor is counted once, inside the
 * incident of its highest DOWN ancestor; every other link counts under its own state. So
 * `sum(byState) + affectedTotal` is the number of links.
 */
export function incidentSummary(links: readonly TopologyLink[]): IncidentSummary {
  const resolved = resolve(links);
  const affected = affectedFrom(resolved);
  const byState = Object.fromEntries(linkStates.map((s) => [s, 0])) as Record<LinkState, number>;
  const perRoot = new Map<string, number>();
  for (const [code, link] of resolved.byCode) {
    if (affected.has(code)) continue;
    byState[link.state] += 1;
    // A DOWN link with nothing DOWN above it is an incident, even with nothing beneath it.
    if (link.state === 'down') perRoot.set(code, 0);
  }
  for (const root of affected.values()) perRoot.set(root, (perRoot.get(root) ?? 0) + 1);
  const incidents = [...perRoot]
    .map(([rootCode, affectedCount]) => ({ rootCode, affectedCount }))
    .sort(
      (a, b) => b.affectedCount - a.affectedCount || (a.rootCode < b.rootCode ? -1 : a.rootCode > b.rootCode ? 1 : 0),
    );
  return { byState, incidents, affectedTotal: affected.size, cycles: [...resolved.cycles].sort() };
}

/** Codes of links whose parent chain loops back on itself (data to correct; they are treated as roots). */
export function topologyCycles(links: readonly TopologyLink[]): string[] {
  return [...resolve(links).cycles].sort();
}

/**
 * Each link's parent as the tree is walked: null for roots, for links whose parent is not in the
 * set and for links on a parent cycle. A parent always comes before its children in the map's
 * order, so one pass in that order meets every parent first.
 */
export function linkParents(links: readonly Pick<TopologyLink, 'code' | 'parentCode'>[]): Map<string, string | null> {
  return resolve(links.map((l) => ({ code: l.code, parentCode: l.parentCode, state: 'unknown' }))).parentOf;
}
