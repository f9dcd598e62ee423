import type { UnitOfWork } from '../store/unit-of-work.ts';

export type SystemsService = ReturnType<typeof createSystemsService>;

export function createSystemsService({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  void uow;
  void now;
  return {};
}
