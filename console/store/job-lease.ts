import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Leases for periodic jobs: with several console replicas on one store, the one holding a job's
 * lease runs it and the others skip their turn. A holder renews its lease each time it runs, so
 * the job stays put while that replica lives; if it dies, the lease expires and another takes it.
 *
 * Acquiring is one upsert statement, atomic on both backends: the insert wins when no lease
 * exists, and the conflicting update only applies when the lease has expired or is already ours.
 * Two replicas racing for a free lease can therefore never both get it. Expiry times are compared
 * as ISO-8601 strings, which order like the instants they name.
 */

/** Takes or renews the lease `name` for `ttlMs` from `now`; true when `holder` now holds it. */
export async function acquireLease(
  db: Kysely<Database>,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date,
): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const row = await db
    .insertInto('job_leases')
    .values({ name, holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where((eb) =>
          eb.or([eb('job_leases.expires_at', '<=', now.toISOString()), eb('job_leases.holder', '=', holder)]),
        ),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

/**
 * Gives the lease up (at shutdown), so another replica need not wait for it to expire. Does
 * nothing when someone else holds it by now.
 */
export async function releaseLease(db: Kysely<Database>, name: string, holder: string, now: Date): Promise<void> {
  await db
    .updateTable('job_leases')
    .set({ expires_at: now.toISOString() })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}
