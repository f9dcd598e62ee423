import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DialectName, dialectOf } from './dialect-of.ts';
import type { Database } from './schema.ts';
import { nodeSqliteDialect } from './sqlite-dialect.ts';

export type Store = { db: Kysely<Database>; dialect: DialectName; describe: string };

// PostgreSQL returns int8 (bigint, count(*)) as strings; every such value here fits a double.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
};

/**
 * Opens the store named by a DATABASE_URL: `postgres://…` for PostgreSQL, `sqlite:/path.db`
 * (or a bare path) for an SQLite file. The SQLite file's folder is created if missing.
 */
export function openStore(url: string, onPoolError: (err: Error) => void = () => {}): Store {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
    // An idle connection dropped by the server (restart, failover) must not crash the process;
    // the pool replaces it on next use.
    pool.on('error', onPoolError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: dialectOf(db as Kysely<unknown>), describe: `postgres ${redactUrl(url)}` };
  }
  const path = url.replace(/^sqlite:/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Kysely<Database>({ dialect: nodeSqliteDialect(path) });
  return { db, dialect: 'sqlite', describe: `sqlite ${path}` };
}

/** A connection URL with its password removed, safe for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
