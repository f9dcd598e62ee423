import { affectedLinks, type TopologyLink } from '../../core/extranet-topology.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { asLinkState } from './link-tracking-store.ts';

/**
 * The whole tree with each link's own state, in one query: what explains a link (the DOWN link
 * above it) depends on every link above, so it is worked out over the tree, not per page.
 */
export async function linkTopology(uow: UnitOfWork): Promise<TopologyLink[]> {
  const rows = await uow
    .db()
    .selectFrom('links')
    .leftJoin('link_status', 'link_status.link_code', 'links.code')
    .select(['links.code', 'links.parent_code', 'link_status.state'])
    .execute();
  return rows.map((r) => ({ code: r.code, parentCode: r.parent_code, state: asLinkState(r.state ?? 'unknown') }));
}

/** For every link beneath a DOWN link, the highest DOWN link above it. */
export async function affectedByOf(uow: UnitOfWork): Promise<Map<string, string>> {
  return affectedLinks(await linkTopology(uow));
}
