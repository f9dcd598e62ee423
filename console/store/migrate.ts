import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as foundation from './migrations/0001-foundation.ts';
import * as auditAppendOnly from './migrations/0002-audit-append-only.ts';
import * as capacity from './migrations/0003-capacity.ts';
import * as extranet from './migrations/0004-extranet.ts';
import * as agents from './migrations/0005-agents.ts';
import * as systemsMigrationDr from './migrations/0006-systems-migration-dr.ts';

/** Every migration, in order. Names are the recorded schema versions. */
const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-audit-append-only': auditAppendOnly,
  '0003-capacity': capacity,
  '0004-extranet': extranet,
  '0005-agents': agents,
  '0006-systems-migration-dr': systemsMigrationDr,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The newest schema version this build knows. */
export const latestSchemaVersion = Object.keys(migrations).at(-1)!;

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_lock' });
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** The schema version recorded in the store, or null when no migration has run. */
export async function currentSchemaVersion(db: Kysely<unknown>): Promise<string | null> {
  const applied = (await migrator(db).getMigrations()).filter((m) => m.executedAt);
  return applied.at(-1)?.name ?? null;
}
