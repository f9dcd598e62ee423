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
  const name = `govops_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(testPostgresUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const store = openStore(url);
  await migrateToLatest(store.db as never);
  return {
    ...store,
    url,
    dispose: async () => {
      await store.db.destroy();
      const c = new pg.Client({ connectionString: testPostgresUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Whether PostgreSQL answers; prints why tests skip when it does not (never skips in CI). */
export async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch (e) {
    if (process.env.CI)
      throw new Error(`PostgreSQL is required in CI but unreachable at ${testPostgresUrl}`, { cause: e });
    console.warn(`skipping PostgreSQL tests: no server at ${testPostgresUrl} (${(e as Error).message})`);
    return false;
  }
}

/** The backends every store test runs against. */
export const backends = [
  { name: 'sqlite', open: sqliteTestStore },
  { name: 'postgres', open: postgresTestStore },
] as const;
