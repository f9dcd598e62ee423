import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProvince } from '../../core/demo-province.ts';
import { firstStart } from '../bootstrap.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { seedDemoLinks } from './demo-links.ts';

const pgUp = await postgresAvailable();

describe.each(backends)('demo links on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  const count = async (table: 'links' | 'link_status') =>
    Number(
      (
        await t.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Children before parents: the tree's foreign key holds at every step. */
  const removeLinks = async () => {
    await t.store.db.deleteFrom('link_status').execute();
    for (const linkClass of ['department', 'county', 'city', 'backbone'])
      await t.store.db.deleteFrom('links').where('link_class', '=', linkClass).execute();
  };
  const start = () => firstStart({ ...t.deps, demo: true, adminPassword: 'correct horse battery staple' });

  beforeAll(async () => {
    if (enabled) t = await testConsole({ store: open });
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  it.runIf(enabled)('are loaded once with the demo province, each unknown since the first start', async () => {
    expect(await count('links')).toBe(3317);
    expect(await count('link_status')).toBe(3317);
    const states = await t.store.db.selectFrom('link_status').select(['state', 'since']).distinct().execute();
    expect(states).toEqual([{ state: 'unknown', since: '2026-11-21T08:00:00.000Z' }]);
    await start();
    expect(await count('links')).toBe(3317);
  });

  it.runIf(enabled)('are added to a store whose demo province came before the extranet', async () => {
    await removeLinks();
    await start();
    expect(await count('links')).toBe(3317);
  });

  it.runIf(enabled)('load in a few bulk statements', async () => {
    await removeLinks();
    const started = performance.now();
    await t.deps.uow.inTransaction(() => seedDemoLinks(t.deps.uow, demoProvince(), t.clock.now()));
    const ms = performance.now() - started;
    console.info(`demo links: 3,317 seeded on ${name} in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(3000);
  });
});
