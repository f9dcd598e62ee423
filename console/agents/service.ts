import type { UnitOfWork } from '../store/unit-of-work.ts';

/** Site agents: creation with a one-time enrolment token, enrolment, credentials, revocation. */
export type AgentsService = Record<string, never>;

export function createAgentsService(_deps: { uow: UnitOfWork; now: () => Date }): AgentsService {
  return {};
}
