import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The store as services see it. `db()` is the transaction of the current request when there is
 * one, the pool otherwise; services never choose. This also keeps SQLite's single connection
 * from deadlocking: code inside a transaction cannot reach past it to the pool by mistake.
 */
export type UnitOfWork = {
  db(): Kysely<Database>;
  /** Runs fn in a transaction (or joins the one already open): all of it commits, or none. */
  inTransaction<T>(fn: () => Promise<T>): Promise<T>;
  /** The root handle, for startup work and tests only. */
  readonly root: Kysely<Database>;
};

export function unitOfWork(root: Kysely<Database>): UnitOfWork {
  const current = new AsyncLocalStorage<Transaction<Database>>();
  return {
    root,
    db: () => current.getStore() ?? root,
    inTransaction(fn) {
      if (current.getStore()) return fn();
      return root.transaction().execute((trx) => current.run(trx, fn));
    },
  };
}
