import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';
import { createConsoleClient } from './console-client.ts';
import type { ConsoleClient } from './console-client.ts';
import { startConsoleStandIn } from './console-stand-in.ts';
import type { ConsoleStandIn } from './console-stand-in.ts';
import { memoryLogger } from '../logger.ts';
import { derivedBatchId } from './split-batch.ts';
import { createPusher, retryDelayMs } from './pusher.ts';
import type { PushedBatch, Pusher } from './pusher.ts';
import { sampleRound } from './sample-results.ts';
import { openSpool } from './spool.ts';
import type { Spool, SpoolDamage } from './spool.ts';

let dir: string;
let standIn: ConsoleStandIn;
let spool: Spool;
const pushers: Pusher[] = [];
const fixedNow = () => new Date('2025-03-01T08:00:05.000Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pusher-'));
  standIn = await startConsoleStandIn({ ownedTargets: Array.from({ length: 500 }, (_, i) => `link-${i}`) });
  standIn.credentials.add('cred-ok');
  spool = await openSpool({ dir, maxBytes: 16 * 1024 * 1024, logger: memoryLogger() });
});
afterEach(async () => {
  await Promise.all(pushers.splice(0).map((p) => p.stop()));
  await spool.close().catch(() => undefined);
  await standIn.stop();
  await rm(dir, { recursive: true, force: true });
});

const client = (credential = 'cred-ok') => createConsoleClient({ baseUrl: standIn.url, credential, timeoutMs: 1000 });
function pusher(options: Partial<Parameters<typeof createPusher>[0]> = {}) {
  const p = createPusher({
    spool,
    client: client(),
    now: fixedNow,
    logger: memoryLogger(),
    backoff: { initialMs: 10, maxMs: 40 },
    ...options,
  });
  pushers.push(p);
  return p;
}
const append = (...targets: string[]) =>
  spool.append({ agentVersion: '0.1.0', configRevision: 'rev-1', rounds: targets.map(sampleRound), certificates: [] });
async function appendMany(n: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + n; i++) ids.push((await append(`link-${i}`)).batchId);
  return ids;
}
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('pusher', () => {
  it('delivers in spool order, one at a time, with sentAt and the spool figures at send time', async () => {
    const ids = await appendMany(20);
    const p = pusher();
    p.start();
    await waitFor(() => standIn.stored.length === 20);
    expect(standIn.stored.map((b) => b.batchId)).toEqual(ids);
    expect(standIn.stored[0]).toMatchObject({
      sentAt: '2025-03-01T08:00:05.000Z',
      spool: { records: 20, droppedTotal: 0 },
    });
    expect(standIn.stored[19]!.spool.records).toBe(1);
    await waitFor(() => p.stats().state === 'idle');
    expect(p.stats()).toMatchObject({ pushedTotal: 20, lastSuccessfulPushAt: fixedNow(), consecutiveFailures: 0 });
    expect(spool.stats().records).toBe(0);
  });

  it('wakes as soon as a batch is appended, without polling', async () => {
    const p = pusher({ backoff: { initialMs: 60_000, maxMs: 60_000 } });
    p.start();
    await waitFor(() => p.stats().state === 'idle');
    const batcher = createBatcher({
      spool,
      agentVersion: '0.1.0',
      configRevision: () => 'rev-1',
      logger: memoryLogger(),
    });
    await Promise.all([batcher.addRounds([sampleRound('link-1')]), batcher.flush()]);
    await waitFor(() => standIn.stored.length === 1, 1000);
  });

  it('keeps spooling while the console is away and delivers everything once, in order, when it is back', async () => {
    await standIn.stop();
    const delays: number[] = [];
    const p = pusher({
      random: () => 1,
      sleep: async (ms) => {
        delays.push(ms);
        await sleep(2);
      },
    });
    const ids = await appendMany(5);
    p.start();
    await waitFor(() => p.stats().consecutiveFailures >= 5);
    ids.push(...(await appendMany(5, 5)));
    expect(p.stats()).toMatchObject({ state: expect.stringMatching(/waiting_to_retry|pushing/), pushedTotal: 0 });
    expect(delays.slice(0, 4)).toEqual([10, 20, 40, 40]); // doubling, capped
    await standIn.start();
    await waitFor(() => standIn.stored.length === 10);
    expect(standIn.stored.map((b) => b.batchId)).toEqual(ids);
    expect(standIn.posts.every((post) => post.status === 200)).toBe(true);
    expect(standIn.posts).toHaveLength(10); // each sent once the console could hear it
    expect(p.stats().lastSuccessfulPushAt).toEqual(fixedNow());
  });

  it('replays a batch whose answer was lost with the same id: the console stores it once', async () => {
    const [first, second] = await appendMany(2);
    const pushed: PushedBatch[] = [];
    let lose = true;
    const real = client();
    const lossy: ConsoleClient = {
      ...real,
      async postReport(batch) {
        const outcome = await real.postReport(batch);
        if (!lose) return outcome;
        lose = false;
        return { kind: 'retry', reason: 'connection dropped before the answer' };
      },
    };
    pusher({ client: lossy, onPushed: (b) => pushed.push(b) }).start();
    await waitFor(() => pushed.length === 2);
    expect(standIn.posts.map((post) => post.batchId)).toEqual([first, first, second]);
    expect(standIn.stored.map((b) => b.batchId)).toEqual([first, second]);
    expect(pushed.map((b) => [b.batchId, b.duplicate])).toEqual([
      [first, true],
      [second, false],
    ]);
  });

  it("after a crash between the console's answer and the cursor, resends those batches with their ids", async () => {
    const ids = await appendMany(3);
    const crashing: ConsoleClient = {
      ...client(),
      async postReport(batch) {
        await client().postReport(batch); // stored by the console...
        return new Promise(() => undefined); // ...and the agent dies before it hears back
      },
    };
    const doomed = createPusher({ spool, client: crashing, now: fixedNow, logger: memoryLogger() });
    doomed.start();
    await waitFor(() => standIn.stored.length === 1);
    // What survives the crash is what is on disk: open the spool afresh.
    const crashed = spool;
    spool = await openSpool({ dir, maxBytes: 16 * 1024 * 1024, logger: memoryLogger() });
    const p = pusher();
    p.start();
    await waitFor(() => standIn.stored.length === 3);
    expect(standIn.posts.map((post) => post.batchId)).toEqual([ids[0], ids[0], ids[1], ids[2]]);
    expect(standIn.stored.map((b) => b.batchId)).toEqual(ids);
    await waitFor(() => p.stats().pushedTotal === 3);
    expect(p.stats().duplicateTotal).toBe(1);
    await crashed.close();
  });

  it('drops, counts and logs a batch the console refuses for good, and goes on with the next', async () => {
    const logger = memoryLogger();
    const [ok1] = await appendMany(1);
    const foreign = (await append('not-ours')).batchId;
    const [ok2] = await appendMany(1, 1);
    const rejected: unknown[] = [];
    const p = pusher({ logger, onRejected: (r) => rejected.push(r) });
    p.start();
    await waitFor(() => standIn.stored.length === 2);
    expect(standIn.stored.map((b) => b.batchId)).toEqual([ok1, ok2]);
    expect(rejected).toEqual([{ batchId: foreign, status: 403, code: 'unowned_targets' }]);
    await waitFor(() => p.stats().pushedTotal === 2);
    expect(p.stats().rejectedTotal).toBe(1);
    expect(logger.lines.find((l) => l.level === 'error')).toMatchObject({
      msg: 'the console refused a batch for good; it is dropped',
      fields: { batchId: foreign, status: 403, code: 'unowned_targets', rounds: 1 },
    });
    expect(spool.stats().records).toBe(0);
  });

  it('keeps the rounds of owned links when the console refuses a batch for a link the agent lost', async () => {
    const logger = memoryLogger();
    const mixed = (await append('link-1', 'reassigned', 'link-2')).batchId;
    const rejected: unknown[] = [];
    const p = pusher({ logger, onRejected: (r) => rejected.push(r) });
    p.start();
    await waitFor(() => standIn.stored.length === 1);
    const [rest] = standIn.stored;
    expect(rest!.batchId).toBe(derivedBatchId(mixed, 'owned'));
    expect(rest!.rounds.map((r) => r.targetId)).toEqual(['link-1', 'link-2']);
    expect(rejected).toEqual([{ batchId: mixed, status: 403, code: 'unowned_targets' }]);
    await waitFor(() => spool.stats().records === 0);
    expect(logger.lines.find((l) => l.level === 'warn')?.fields).toMatchObject({
      refusedRounds: 1,
      unowned: ['reassigned'],
    });
  });

  it('stops pushing on a revoked credential and keeps spooling until restarted with a good one', async () => {
    const logger = memoryLogger();
    await appendMany(2);
    const p = pusher({ client: client('cred-revoked'), logger });
    p.start();
    await waitFor(() => p.stats().state === 'unauthorised');
    await appendMany(2, 2);
    expect(spool.stats().records).toBe(4);
    expect(standIn.posts).toHaveLength(1);
    expect(logger.lines.at(-1)?.msg).toMatch(/re-enrol the agent/);
    const renewed = pusher();
    renewed.start();
    await waitFor(() => standIn.stored.length === 4);
  });

  it('splits a batch the console finds too large, storing every result once', async () => {
    await standIn.stop();
    standIn = await startConsoleStandIn({ maxBodyBytes: 8 * 1024 });
    standIn.credentials.add('cred-ok');
    const targets = Array.from({ length: 120 }, (_, i) => `link-${i}`);
    const { batchId } = await append(...targets);
    const pushed: PushedBatch[] = [];
    pusher({ onPushed: (b) => pushed.push(b) }).start();
    await waitFor(() => pushed.length === 1);
    expect(pushed[0]).toMatchObject({ batchId, rounds: 120, duplicate: false });
    expect(standIn.stored.flatMap((b) => b.rounds.map((r) => r.targetId))).toEqual(targets);
    expect(standIn.stored.length).toBeGreaterThan(2);
  });

  it('skips a damaged record, reporting where it was, and delivers the rest', async () => {
    const ids = await appendMany(3);
    await spool.close();
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.seg'));
    const bytes = await readFile(join(dir, segment!));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x20; // inside the second record
    await writeFile(join(dir, segment!), bytes);
    const damage: SpoolDamage[] = [];
    spool = await openSpool({
      dir,
      maxBytes: 16 * 1024 * 1024,
      logger: memoryLogger(),
      onDamage: (d) => damage.push(d),
    });
    pusher().start();
    await waitFor(() => standIn.stored.length === 2);
    expect(standIn.stored.map((b) => b.batchId)).toEqual([ids[0], ids[2]]);
    expect(damage).toEqual([{ segment, offset: bytes.length / 3, length: bytes.length / 3, reason: 'bad checksum' }]);
  });
});

it.each([
  [1, 0, 500],
  [1, 1, 1000],
  [2, 0, 1000],
  [3, 1, 4000],
  [7, 1, 60_000],
  [60, 0.5, 45_000],
  [5000, 1, 60_000],
])('after %i failures with random %d, waits %i ms (1 s doubling to 60 s)', (failures, random, expected) => {
  expect(retryDelayMs(failures, { initialMs: 1000, maxMs: 60_000 }, () => random)).toBe(expected);
});
