import type { UnitOfWork } from '../store/unit-of-work.ts';

export type DrService = ReturnType<typeof createDrService>;

export function createDrService({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  void uow;
  void now;
  return {};
}
