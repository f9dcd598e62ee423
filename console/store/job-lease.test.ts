import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLease, releaseLease } from './job-lease.ts';
import { openStore, type Store } from './open.ts';
import { backends, postgresAvailable, type TestStore } from './testing.ts';

const pgUp = await postgresAvailable();
const t0 = new Date('2026-11-21T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const ttl = 60_000;

describe.each(backends)('job leases on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let store: TestStore;
  // A second replica: its own connection (pool) to the same database.
  let other: Store;
  beforeAll(async () => {
    if (!enabled) return;
    store = await open();
    other = openStore(store.url);
  });
  afterAll(async () => {
    await other?.db.destroy();
    await store?.dispose();
  });

  it.runIf(enabled)('two replicas racing for a free lease: exactly one wins, many times over', async () => {
    for (let round = 0; round < 20; round++) {
      const job = `race-${round}`;
      const [a, b] = await Promise.all([
        acquireLease(store.db, job, 'replica-a', ttl, t0),
        acquireLease(other.db, job, 'replica-b', ttl, t0),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
    }
  });

  it.runIf(enabled)('the holder renews; the other waits until the lease expires, then takes it', async () => {
    expect(await acquireLease(store.db, 'poll', 'replica-a', ttl, t0)).toBe(true);
    expect(await acquireLease(other.db, 'poll', 'replica-b', ttl, at(30_000))).toBe(false);
    // Renewal moves the expiry on: b still cannot take it where the first lease would have ended.
    expect(await acquireLease(store.db, 'poll', 'replica-a', ttl, at(50_000))).toBe(true);
    expect(await acquireLease(other.db, 'poll', 'replica-b', ttl, at(100_000))).toBe(false);
    // a stops renewing (its process died): once the lease runs out, b has it, and a no longer.
    expect(await acquireLease(other.db, 'poll', 'replica-b', ttl, at(110_000))).toBe(true);
    expect(await acquireLease(store.db, 'poll', 'replica-a', ttl, at(120_000))).toBe(false);
    const row = await store.db.selectFrom('job_leases').selectAll().where('name', '=', 'poll').executeTakeFirst();
    expect(row).toEqual({ name: 'poll', holder: 'replica-b', expires_at: at(170_000).toISOString() });
  });

  it.runIf(enabled)('a released lease is free at once; releasing one held by another does nothing', async () => {
    expect(await acquireLease(store.db, 'release', 'replica-a', ttl, t0)).toBe(true);
    await releaseLease(other.db, 'release', 'replica-b', at(1000));
    expect(await acquireLease(other.db, 'release', 'replica-b', ttl, at(2000))).toBe(false);
    await releaseLease(store.db, 'release', 'replica-a', at(3000));
    expect(await acquireLease(other.db, 'release', 'replica-b', ttl, at(3000))).toBe(true);
  });
});
