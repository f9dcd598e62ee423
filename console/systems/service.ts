import type { UnitOfWork } from '../store/unit-of-work.ts';
import { systemCatalogue } from './system-catalogue.ts';
import { systemList } from './system-list.ts';
import { systemTransfer } from './system-transfer.ts';

export { dependenciesBody, systemBody, systemPatch } from './system-catalogue.ts';
export type { SystemFlag, SystemListItem, SystemPage, SystemQuery, SystemSort } from './system-list.ts';
export { drillOverdueMonthsKey, systemFlags, systemSorts } from './system-list.ts';
export type { SystemImportOutcome } from './system-transfer.ts';
export { SystemImportRejected } from './system-transfer.ts';
export type { CurrentMigration, SystemDetail, SystemRef, SystemView } from './system-views.ts';

export type SystemsService = ReturnType<typeof createSystemsService>;

/**
 * The inventory of department systems: list with filters and DR flags, one system with its
 * dependencies both ways, create, change, delete, dependencies (kept acyclic), CSV in and out and
 * the Backstage catalogue. Every call takes the caller's principal: department users see and
 * change their own department's systems only (others' are not found).
 */
export function createSystemsService({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  const list = systemList({ uow, now });
  return {
    list: list.list,
    /** When a passed drill must have been executed for a system not to be overdue (the setting). */
    drillOverdueSince: list.drillSince,
    /** The DR flags of the given systems, by code (no scope check: pass codes already shown). */
    flagsOf: async (codes: string[]) => list.flagsOf(codes, await list.drillSince()),
    ...systemCatalogue({ uow, now }),
    ...systemTransfer({ uow, now, list }),
  };
}
