import type { LinkRound } from '../../core/contracts/agent.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { extranetOverview, networkCounts } from './extranet-overview.ts';
import { linkHistory } from './link-history.ts';
import { linkList } from './link-list.ts';
import { linkThresholds } from './link-thresholds.ts';
import { linksCatalogue } from './links-catalogue.ts';
import { type RoundsRecorded, roundsRecorder } from './record-rounds.ts';
import { silenceKeeper } from './silence.ts';

export type { ExtranetOverview, NetworkCounts } from './extranet-overview.ts';
export type { LinkAvailabilityView, LinkEventView, RoundView } from './link-history.ts';
export type { LinkPage, LinkQuery, LinkSort } from './link-list.ts';
export { linkSorts } from './link-list.ts';
export type { LinkClassView } from './link-thresholds.ts';
export type { LinkChangeRecord } from './link-tracking-store.ts';
export type { LinkView } from './link-views.ts';
export type { RoundsRecorded } from './record-rounds.ts';

/**
 * Extranet links: the tree and how each link is measured, state moved by agents' rounds and by
 * the silence sweep (agreed by every replica through the store), history and availability, the
 * overview, and per-class thresholds. Reads take the caller's principal: department users see
 * their own department's links and nothing else (404).
 */
export type LinksService = {
  /**
   * Stores an agent's rounds and moves its links' state, in the caller's transaction (joined,
   * or opened when there is none). Rounds for links not assigned to `agentId` are dropped; a
   * replay stores and moves nothing.
   */
  recordRounds(agentId: string, rounds: readonly LinkRound[]): Promise<RoundsRecorded>;
} & ReturnType<typeof linksCatalogue> &
  ReturnType<typeof linkHistory> & {
    list: ReturnType<typeof linkList>;
    overview: ReturnType<typeof extranetOverview>;
    counts: ReturnType<typeof networkCounts>;
    classes: ReturnType<typeof linkThresholds>['list'];
    setClassThresholds: ReturnType<typeof linkThresholds>['set'];
  } & ReturnType<typeof silenceKeeper>;

export function createLinksService(deps: { uow: UnitOfWork; now: () => Date }): LinksService {
  const thresholds = linkThresholds(deps);
  return {
    recordRounds: roundsRecorder(deps),
    ...linksCatalogue(deps),
    ...linkHistory(deps),
    list: linkList(deps),
    overview: extranetOverview(deps),
    counts: networkCounts(deps),
    classes: thresholds.list,
    setClassThresholds: thresholds.set,
    ...silenceKeeper(deps),
  };
}
