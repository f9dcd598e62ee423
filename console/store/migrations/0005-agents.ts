import type { Kysely } from 'kysely';

/**
 * Agents authenticate on every request (thousands of agents, every 30 s) by the hash of their
 * credential, and enrol by the hash of a one-time token: both lookups need an index, and a
 * unique one says no two agents can ever hold the same secret. NULLs (no credential yet, no
 * token) do not clash on either backend.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('agents_credential_hash').on('agents').column('credential_hash').unique().execute();
  await db.schema.createIndex('agents_enrol_token_hash').on('agents').column('enrol_token_hash').unique().execute();
}
