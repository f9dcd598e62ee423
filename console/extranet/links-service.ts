import type { UnitOfWork } from '../store/unit-of-work.ts';

/** Extranet links: the tree, their measurement settings, state from rounds and silence, availability. */
export type LinksService = Record<string, never>;

export function createLinksService(_deps: { uow: UnitOfWork; now: () => Date }): LinksService {
  return {};
}
