import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';
import { memoryLogger } from '../logger.ts';
import { sampleCertificate, sampleRound } from './sample-results.ts';
import { openSpool } from './spool.ts';
import type { Spool, SpooledBatch } from './spool.ts';

let dir: string;
let spool: Spool;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'batcher-'));
  spool = await openSpool({ dir, maxBytes: 64 * 1024 * 1024, logger: memoryLogger() });
});
afterEach(async () => {
  await spool.close();
  await rm(dir, { recursive: true, force: true });
});

async function spooled(): Promise<SpooledBatch[]> {
  const batches: SpooledBatch[] = [];
  for (let r = await spool.peek(); r; r = await spool.peek()) {
    batches.push(r.batch);
    await spool.ack(r.position);
  }
  return batches;
}

const rounds = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => sampleRound(`${prefix}${i}`));

it('cuts a batch at the contract maximum of rounds and of certificates, in order', async () => {
  const batcher = createBatcher({
    spool,
    agentVersion: '0.1.0',
    configRevision: () => 'rev-7',
    logger: memoryLogger(),
  });
  const certs = Array.from({ length: 600 }, (_, i) => sampleCertificate('portal', i));
  await Promise.all([batcher.addRounds(rounds(2300)), batcher.addCertificates(certs), batcher.flush()]);
  const batches = await spooled();
  expect(batches.map((b) => [b.rounds.length, b.certificates.length])).toEqual([
    [1000, 0],
    [1000, 0],
    [300, 500],
    [0, 100],
  ]);
  expect(batches.flatMap((b) => b.rounds.map((r) => r.targetId))).toEqual(rounds(2300).map((r) => r.targetId));
  expect(batches.every((b) => b.configRevision === 'rev-7' && b.agentVersion === '0.1.0')).toBe(true);
  expect(new Set(batches.map((b) => b.batchId)).size).toBe(4);
});

it('keeps each batch under maxBatchBytes so the console never answers 413', async () => {
  const batcher = createBatcher({
    spool,
    agentVersion: '0.1.0',
    configRevision: () => null,
    logger: memoryLogger(),
    maxBatchBytes: 4096,
  });
  await Promise.all([batcher.addRounds(rounds(100)), batcher.flush()]);
  const batches = await spooled();
  expect(batches.length).toBeGreaterThanOrEqual(5);
  for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThan(4096);
  expect(batches.reduce((n, b) => n + b.rounds.length, 0)).toBe(100);
});

it("cuts after the linger when few results come, resolving once they are fsync'd", async () => {
  let revision = 'rev-1';
  const batcher = createBatcher({
    spool,
    agentVersion: '0.1.0',
    configRevision: () => revision,
    logger: memoryLogger(),
    lingerMs: 30,
  });
  const durable = batcher.addRounds(rounds(3));
  revision = 'rev-2'; // the revision in force when the batch is cut is the one it carries
  expect(spool.stats().records).toBe(0);
  await durable;
  expect(spool.stats().records).toBe(1);
  expect((await spooled())[0]).toMatchObject({ configRevision: 'rev-2', rounds: rounds(3) });
  await batcher.close();
  await expect(batcher.addRounds(rounds(1))).rejects.toThrow(/closed/);
});

it('leaves a malformed result out, logging where it is wrong, and keeps the others', async () => {
  const logger = memoryLogger();
  const batcher = createBatcher({ spool, agentVersion: '0.1.0', configRevision: () => null, logger });
  const bad = { ...sampleRound('ok-2'), lossRatio: 7 };
  await Promise.all([batcher.addRounds([sampleRound('ok-1'), bad, sampleRound('ok-3')]), batcher.flush()]);
  expect((await spooled())[0]!.rounds.map((r) => r.targetId)).toEqual(['ok-1', 'ok-3']);
  expect(batcher.stats().invalidDropped).toBe(1);
  expect(logger.lines.find((l) => l.level === 'warn')?.fields).toEqual({
    issues: [expect.stringMatching(/^lossRatio: /)],
  });
});

it("rejects the callers' promises when the spool cannot take the batch", async () => {
  const tiny = await openSpool({ dir: join(dir, 'tiny'), maxBytes: 200, logger: memoryLogger() });
  const logger = memoryLogger();
  const batcher = createBatcher({ spool: tiny, agentVersion: '0.1.0', configRevision: () => null, logger });
  const added = batcher.addRounds(rounds(5));
  await batcher.flush();
  await expect(added).rejects.toThrow(/exceeds the spool/);
  expect(logger.lines.at(-1)).toMatchObject({ level: 'error', fields: { rounds: 5 } });
  await tiny.close();
});
