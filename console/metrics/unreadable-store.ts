import type { UnitOfWork } from '../store/unit-of-work.ts';

/**
 * For tests of a metric family's failure path: the same unit of work, except that reaching the
 * store throws, as it does when the database is down.
 */
export function unreadableStore(uow: UnitOfWork): UnitOfWork {
  return {
    ...uow,
    db: () => {
      throw new Error('store is down');
    },
  };
}
