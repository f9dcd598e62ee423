import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSchemaVersion, latestSchemaVersion, migrateToLatest } from './migrate.ts';
import { backends, postgresAvailable, type TestStore } from './testing.ts';

const pgUp = await postgresAvailable();

describe.each(backends)('store on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let store: TestStore;
  beforeAll(async () => {
    if (enabled) store = await open();
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it.runIf(enabled)('records the latest schema version and re-running migrations is a no-op', async () => {
    expect(await currentSchemaVersion(store.db as never)).toBe(latestSchemaVersion);
    expect(await migrateToLatest(store.db as never)).toEqual([]);
  });

  it.runIf(enabled)('rolls back every write of a failed transaction', async () => {
    const now = new Date().toISOString();
    await store.db
      .insertInto('regions')
      .values({ code: 'R1', name: '测试省', kind: 'province', parent_code: null })
      .execute();
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('departments')
          .values({
            code: 'D1',
            name: '甲',
            level: 'provincial',
            region_code: 'R1',
            demo: 0,
            created_at: now,
            updated_at: now,
          })
          .execute();
        // Same primary key: the second insert fails and must take the first with it.
        await trx
          .insertInto('departments')
          .values({
            code: 'D1',
            name: '乙',
            level: 'provincial',
            region_code: 'R1',
            demo: 0,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }),
    ).rejects.toThrow();
    const rows = await store.db.selectFrom('departments').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it.runIf(enabled)('refuses to update or delete audit records', async () => {
    await sql`insert into audit_log (seq, at, actor, role, action, target, outcome, source, detail, prev_hash, hash)
      values (1, 'now', 'a', 'r', 'x', 't', 'success', 's', '{}', 'p', 'h')`.execute(store.db);
    await expect(sql`update audit_log set actor = 'b'`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
  });

  it.runIf(enabled)('returns counts as numbers on both backends', async () => {
    const { n } = await store.db
      .selectFrom('regions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n).toBe(1);
  });
});
