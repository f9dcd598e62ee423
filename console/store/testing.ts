import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest } from './migrate.ts';
import { openStore, type Store } from './open.ts';

/**
 * Real stores for tests: a fresh SQLite file, or a fresh PostgreSQL database created for the
 * test run and dropped after it. PostgreSQL is found at TEST_POSTGRES_URL (default: the local
 * server with trust auth). Outside CI a missing server skips those tests with a printed reason;
 * in CI it fails them.
 */
export type TestStore = Store & { url: string; dispose: () => Promise<void> };

export const testPostgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function sqliteTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'govops-test-'));
  const url = `sqlite:${join(dir, 'console.db')}`;
  const store = openStore(url);
  await migrateToLatest(store.db as never);
  return {
    ...store,
    url,
    dispose: async () => {
      await store.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresTestStore(): Promise<TestStore> {
  const database = await throwawayPostgresDatabase('govops_test');
  const store = openStore(database.url);
  await migrateToLatest(store.db as never);
  return {
    ...store,
    url: database.url,
    dispose: async () => {
      await store.db.destroy();
      await database.drop();
    },
  };
}

/**
 * An empty database on the server at TEST_POSTGRES_URL; `drop` removes it even while
 * connections (a console process under test) are still open.
 */
export async function throwawayPostgresDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await serverQuery(`create database ${name}`);
  const u = new URL(testPostgresUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => serverQuery(`drop database if exists ${name} with (force)`) };
}

async function serverQuery(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: testPostgresUrl });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** Why PostgreSQL does not answer at TEST_POSTGRES_URL, or null when it does. */
export async function postgresUnreachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Whether PostgreSQL answers; prints why tests skip when it does not (never skips in CI). */
export async function postgresAvailable(): Promise<boolean> {
  const why = await postgresUnreachable();
  if (why === null) return true;
  if (process.env.CI) throw new Error(`PostgreSQL is required in CI but unreachable at ${testPostgresUrl}: ${why}`);
  console.warn(`skipping PostgreSQL tests: no server at ${testPostgresUrl} (${why})`);
  return false;
}

/** The backends every store test runs against. */
export const backends = [
  { name: 'sqlite', open: sqliteTestStore },
  { name: 'postgres', open: postgresTestStore },
] as const;
