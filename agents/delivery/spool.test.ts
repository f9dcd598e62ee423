import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { sampleRound } from './sample-results.ts';
import { encodeFrame } from './spool-frame.ts';
import { openSpool } from './spool.ts';
import type { NewBatch, Spool, SpoolDamage } from './spool.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const batch = (...targets: string[]): NewBatch => ({
  agentVersion: '0.1.0',
  configRevision: 'r1',
  rounds: targets.map(sampleRound),
  certificates: [],
});

async function drain(spool: Spool): Promise<string[]> {
  const seen: string[] = [];
  for (let r = await spool.peek(); r; r = await spool.peek()) {
    seen.push(r.batch.rounds.map((x) => x.targetId).join(','));
    await spool.ack(r.position);
  }
  return seen;
}

const open = (extra: Partial<Parameters<typeof openSpool>[0]> = {}) =>
  openSpool({ dir, maxBytes: 1024 * 1024, logger: memoryLogger(), ...extra });
const segmentFiles = async () => (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();

describe('spool', () => {
  it('replays unacknowledged records in order with the batch id chosen at append', async () => {
    const spool = await open();
    const ids = [];
    for (const t of ['a', 'b', 'c', 'd']) ids.push((await spool.append(batch(t))).batchId);
    const first = await spool.peek();
    expect(first?.batch.batchId).toBe(ids[0]);
    await spool.ack(first!.position);
    // No close: the process dies here. What was consumed stays consumed, the rest comes back.
    const reopened = await open();
    const second = await reopened.peek();
    expect(second?.batch).toEqual({ batchId: ids[1], ...batch('b') });
    expect(await drain(reopened)).toEqual(['b', 'c', 'd']);
    expect(reopened.stats()).toMatchObject({ records: 0, bytes: 0, droppedTotal: 0, corruptSkipped: 0 });
    await Promise.all([spool.close(), reopened.close()]);
  });

  it('ignores an acknowledgement for a record that is no longer the head', async () => {
    const spool = await open();
    await spool.append(batch('a'));
    const head = await spool.peek();
    await spool.ack(head!.position);
    expect(await spool.ack(head!.position)).toBe(false);
    await spool.close();
  });

  it('rotates segments and deletes those wholly acknowledged', async () => {
    const spool = await open({ maxSegmentBytes: 600 });
    for (let i = 0; i < 12; i++) await spool.append(batch(`t${i}`));
    expect((await segmentFiles()).length).toBeGreaterThan(3);
    const drained = await drain(spool);
    expect(drained).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`));
    expect(await segmentFiles()).toHaveLength(1); // the active one, empty past the cursor
    await spool.append(batch('after'));
    await spool.close();
    expect(await drain(await open({ maxSegmentBytes: 600 }))).toEqual(['after']);
  });

  it('drops the oldest records when full, counting results in a total that survives restarts', async () => {
    // Room for two records of this shape, not three.
    const frameBytes = encodeFrame(
      Buffer.from(JSON.stringify({ batchId: crypto.randomUUID(), ...batch('a1', 'a2') })),
      2,
    ).length;
    const maxBytes = Math.floor(frameBytes * 2.5);
    const logger = memoryLogger();
    const spool = await openSpool({ dir, maxBytes, logger });
    await spool.append(batch('a1', 'a2'));
    expect(spool.stats().bytes).toBe(frameBytes);
    await spool.append(batch('b1', 'b2'));
    await spool.append(batch('c1', 'c2'));
    expect(spool.stats()).toMatchObject({ records: 2, droppedTotal: 2, droppedRecordsTotal: 1 });
    expect(logger.lines.find((l) => l.msg.startsWith('spool full'))?.fields).toMatchObject({ records: 1, results: 2 });
    await spool.close();

    const reopened = await openSpool({ dir, maxBytes, logger });
    expect(reopened.stats()).toMatchObject({ records: 2, droppedTotal: 2 });
    await reopened.append(batch('d1', 'd2'));
    expect(reopened.stats()).toMatchObject({ records: 2, droppedTotal: 4, droppedRecordsTotal: 2 });
    expect(await drain(reopened)).toEqual(['c1,c2', 'd1,d2']);
    await expect(reopened.append(batch(...Array.from({ length: 40 }, (_, i) => `big${i}`)))).rejects.toThrow(
      /exceeds the spool/,
    );
    await reopened.close();
  });

  it('reports and skips damaged records one by one: flipped byte, garbage between records, torn tail', async () => {
    const spool = await open();
    for (const t of ['r1', 'r2', 'r3', 'r4', 'r5']) await spool.append(batch(t));
    await spool.close();
    const [name] = await segmentFiles();
    const path = join(dir, name!);
    const bytes = await readFile(path);
    const size = bytes.length / 5; // identical shapes: identical frame sizes
    const flipped = Buffer.from(bytes);
    flipped[size + 40]! ^= 0x01; // inside r2's payload
    const garbage = Buffer.from('\x00garbage\xff\xffGS not a frame');
    const damaged = Buffer.concat([
      flipped.subarray(0, 3 * size),
      garbage,
      flipped.subarray(3 * size, 4 * size),
      flipped.subarray(4 * size, 4 * size + 30), // r5 torn by a crash mid-write
    ]);
    await writeFile(path, damaged);

    const reports: SpoolDamage[] = [];
    const reopened = await open({ onDamage: (d) => reports.push(d) });
    expect(reports).toEqual([
      { segment: name, offset: size, length: size, reason: 'bad checksum' },
      { segment: name, offset: 3 * size, length: garbage.length, reason: 'bad magic' },
      { segment: name, offset: 4 * size + garbage.length, length: 30, reason: 'truncated' },
    ]);
    expect(reopened.stats()).toMatchObject({ records: 3, corruptSkipped: 3 });
    await reopened.append(batch('r6'));
    await reopened.close();

    // The torn tail was cut off, so it is not reported again; the new record follows r4.
    const again: SpoolDamage[] = [];
    const third = await open({ onDamage: (d) => again.push(d) });
    expect(again.map((d) => d.reason)).toEqual(['bad checksum', 'bad magic']);
    expect(await drain(third)).toEqual(['r1', 'r3', 'r4', 'r6']);
    await third.close();
  });

  it('skips a record damaged while the spool is open when it is read back', async () => {
    const reports: SpoolDamage[] = [];
    const spool = await open({ onDamage: (d) => reports.push(d) });
    for (const t of ['a', 'b', 'c']) await spool.append(batch(t));
    const [name] = await segmentFiles();
    const bytes = await readFile(join(dir, name!));
    bytes[20]! ^= 0xff;
    await writeFile(join(dir, name!), bytes);
    expect(await drain(spool)).toEqual(['b', 'c']);
    expect(reports).toEqual([{ segment: name, offset: 0, length: bytes.length / 3, reason: 'bad checksum' }]);
    await spool.close();
  });

  it('survives a segment of pure noise and an unreadable cursor', async () => {
    const spool = await open();
    await spool.append(batch('kept'));
    await spool.close();
    await writeFile(
      join(dir, '000000000000.seg'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
    );
    await writeFile(join(dir, 'cursor.json'), '{"segment":');
    const logger = memoryLogger();
    const reopened = await openSpool({ dir, maxBytes: 1024 * 1024, logger });
    expect(await drain(reopened)).toEqual(['kept']);
    expect(reopened.stats().corruptSkipped).toBeGreaterThan(0);
    expect(logger.lines.some((l) => l.msg.startsWith('cursor file unreadable'))).toBe(true);
    await reopened.close();
  });
});
