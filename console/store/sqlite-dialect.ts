import { chmodSync, existsSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

/**
 * Kysely's SqliteDialect speaks the better-sqlite3 interface; this adapts Node's built-in
 * `node:sqlite` to it, so the embedded store needs no native addon. Prepared statements are
 * cached because preparing dominates the cost of the small queries a console runs.
 */
export function nodeSqliteDialect(path: string): SqliteDialect {
  return new ImmediateSqliteDialect({ database: async () => openNodeSqlite(path) });
}

/**
 * Transactions start with BEGIN IMMEDIATE: they take the write lock up front and wait for it
 * (busy_timeout), instead of failing with SQLITE_BUSY when another process — the admin command,
 * a backup — wrote between their first read and first write.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #settings: SqliteDialectConfig;
  constructor(settings: SqliteDialectConfig) {
    super(settings);
    this.#settings = settings;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

const statementCacheSize = 256;

function openNodeSqlite(path: string): SqliteDatabase {
  const isNew = path !== ':memory:' && !existsSync(path);
  const db = new DatabaseSync(path);
  // Password hashes and the audit trail live here: owner-only, like the key file. SQLite gives
  // its -wal and -shm files the same mode.
  if (isNew) chmodSync(path, 0o600);
  // WAL lets readers (backups, a second process) proceed while the console writes.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) return cached;
      const stmt = adapt(db.prepare(sql));
      if (cache.size >= statementCacheSize) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

function adapt(stmt: StatementSync): SqliteStatement {
  const reader = stmt.columns().length > 0;
  return {
    reader,
    all: (params) => stmt.all(...toSqlite(params)),
    run: (params) => stmt.run(...toSqlite(params)),
    iterate: (params) => stmt.iterate(...toSqlite(params)),
  };
}

// node:sqlite refuses booleans; the schema stores flags as 0/1.
function toSqlite(params: ReadonlyArray<unknown>): SQLInputValue[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : (p as SQLInputValue)));
}
