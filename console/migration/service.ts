import type { UnitOfWork } from '../store/unit-of-work.ts';

export type MigrationService = ReturnType<typeof createMigrationService>;

export function createMigrationService({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  void uow;
  void now;
  return {};
}
