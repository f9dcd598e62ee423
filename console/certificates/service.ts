import type { UnitOfWork } from '../store/unit-of-work.ts';

/** The certificate inventory: observations from agents, the RA's list, windows and algorithm mix. */
export type CertificatesService = Record<string, never>;

export function createCertificatesService(_deps: { uow: UnitOfWork; now: () => Date }): CertificatesService {
  return {};
}
