import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { reportBatchSchema } from '../../core/contracts/agent.ts';
import type { ReportBatch } from '../../core/contracts/agent.ts';
import { fsyncDirectory, isLeftoverTemporary } from './atomic-file.ts';
import type { Logger } from '../logger.ts';
import { readCursor, writeCursor } from './spool-cursor.ts';
import type { SpoolCursor } from './spool-cursor.ts';
import { checkFrame, encodeFrame, scanFrames } from './spool-frame.ts';
import type { DamagedRegion } from './spool-frame.ts';

/**
 * The agent's durable queue of report batches, so nothing measured is lost while the console is
 * away. A batch counts as accepted once its record is appended to the active segment file and
 * fsync'd; its batch id is chosen then, so every replay carries the same id. Consuming the head
 * (acknowledged, rejected, or dropped because the spool is full) moves a cursor that is written
 * atomically before anything else happens; segments wholly behind it are deleted.
 *
 * After a SIGKILL or power loss at any moment, every appended record not yet consumed is replayed
 * in order. A record the console acknowledged is sent again only if the crash fell between the
 * console's answer and the cursor's rename, and then once per such crash: delivery is
 * at-least-once, and the console's dedupe by batch id makes it store each batch once.
 */

export type SpooledBatch = Omit<ReportBatch, 'sentAt' | 'spool'>;
export type NewBatch = Omit<SpooledBatch, 'batchId'>;
const spooledBatchSchema = reportBatchSchema.omit({ sentAt: true, spool: true });

export type SpoolPosition = { readonly segment: number; readonly offset: number };
export type SpoolRecord = { position: SpoolPosition; batch: SpooledBatch };
export type SpoolStats = {
  /** Records (batches) waiting, and the bytes they take in their segments. */
  records: number;
  bytes: number;
  /** Results dropped because the spool was full, over the spool's life (survives restarts). */
  droppedTotal: number;
  droppedRecordsTotal: number;
  /** Damaged stretches of segment files skipped since the spool was opened. */
  corruptSkipped: number;
};
/** A damaged stretch of a segment: `segment` is the file name, `offset` and `length` in bytes. */
export type SpoolDamage = { segment: string; offset: number; length: number; reason: string };

export type Spool = {
  append(batch: NewBatch): Promise<{ batchId: string }>;
  /** The oldest waiting record, read back from disk and checked; damaged ones are skipped. */
  peek(): Promise<SpoolRecord | undefined>;
  /** Consumes the head if it is still at `position` (it may have been dropped meanwhile). */
  ack(position: SpoolPosition): Promise<boolean>;
  stats(): SpoolStats;
  /** Called after each append; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void;
  close(): Promise<void>;
};

type Entry = { segment: number; offset: number; size: number; results: number };

const segmentPattern = /^(\d{12})\.seg$/;
const segmentName = (n: number) => `${String(n).padStart(12, '0')}.seg`;

export async function openSpool({
  dir,
  maxBytes,
  maxSegmentBytes = Math.max(64 * 1024, Math.min(8 * 1024 * 1024, Math.floor(maxBytes / 16))),
  logger,
  onDamage,
}: {
  dir: string;
  /** Bound on the bytes of waiting records; the oldest are dropped to stay under it. */
  maxBytes: number;
  /**
   * Consumed records stay on disk until their whole segment is consumed, so the disk holds up to
   * maxBytes plus about one segment; the default keeps that within a sixteenth of maxBytes.
   */
  maxSegmentBytes?: number;
  logger: Logger;
  onDamage?: (damage: SpoolDamage) => void;
}): Promise<Spool> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const loaded = await readCursor(dir);
  if (loaded.problem) logger.warn(loaded.problem, { dir });
  let cursor: SpoolCursor = loaded.cursor;

  const live: Entry[] = [];
  let head = 0;
  let liveBytes = 0;
  let corruptSkipped = 0;
  const listeners = new Set<() => void>();

  function reportDamage(segment: number, region: DamagedRegion) {
    corruptSkipped++;
    const damage = { segment: segmentName(segment), ...region };
    logger.warn('spool: skipped a damaged record', { dir, ...damage });
    onDamage?.(damage);
  }

  // Rebuild the index of waiting records from the segments at or after the cursor.
  const names = await readdir(dir);
  for (const name of names.filter(isLeftoverTemporary)) await rm(join(dir, name), { force: true });
  const onDisk = names.flatMap((n) => (segmentPattern.test(n) ? [Number(n.slice(0, 12))] : [])).sort((a, b) => a - b);
  // Wholly behind the cursor: a crash came between moving the cursor and deleting them.
  for (const n of onDisk.filter((s) => s < cursor.segment)) await rm(join(dir, segmentName(n)), { force: true });
  const segments = onDisk.filter((s) => s >= cursor.segment);
  let lastSize = 0;
  for (const n of segments) {
    const buf = await readFile(join(dir, segmentName(n)));
    const from = n === cursor.segment ? Math.min(cursor.offset, buf.length) : 0;
    const scan = scanFrames(buf, from);
    for (const f of scan.frames) live.push({ segment: n, ...f });
    for (const d of scan.damaged) reportDamage(n, d);
    lastSize = buf.length;
    // Bytes after the last valid frame of the newest segment are a write torn by a crash:
    // cut them off so new records follow valid ones and the tail is not reported on every start.
    if (n === segments.at(-1) && scan.validEnd < buf.length) {
      await truncate(join(dir, segmentName(n)), scan.validEnd);
      lastSize = scan.validEnd;
    }
  }
  for (const e of live) liveBytes += e.size;

  // Keep appending to the newest segment unless it is full; a new one is numbered past the cursor.
  const last = segments.at(-1);
  let active: number;
  let activeSize: number;
  if (last !== undefined && lastSize < maxSegmentBytes && !(last === cursor.segment && cursor.offset > lastSize)) {
    active = last;
    activeSize = lastSize;
  } else {
    active = Math.max(last ?? 0, cursor.segment) + 1;
    activeSize = 0;
  }
  let file: FileHandle = await openSegment(active);
  if (!segments.includes(active)) segments.push(active);
  let closed = false;
  let cached: { entry: Entry; record: SpoolRecord } | undefined;

  async function openSegment(n: number): Promise<FileHandle> {
    const handle = await open(join(dir, segmentName(n)), 'a', 0o600);
    await handle.sync();
    await fsyncDirectory(dir); // the new file's name must survive a power loss too
    return handle;
  }

  let chain: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(() => {
      if (closed) throw new Error('spool is closed');
      return fn();
    });
    chain = run.catch(() => undefined);
    return run;
  }

  /** Moves the cursor past the `count` oldest records: durably first, then in memory. */
  async function consume(count: number, dropped: boolean): Promise<number> {
    const gone = live.slice(head, head + count);
    const results = gone.reduce((sum, e) => sum + e.results, 0);
    const next = live[head + count];
    const moved: SpoolCursor = {
      segment: next?.segment ?? active,
      offset: next?.offset ?? activeSize,
      droppedTotal: cursor.droppedTotal + (dropped ? results : 0),
      droppedRecordsTotal: cursor.droppedRecordsTotal + (dropped ? count : 0),
    };
    await writeCursor(dir, moved);
    cursor = moved;
    head += count;
    for (const e of gone) liveBytes -= e.size;
    if (head > 1024 && head * 2 > live.length) {
      live.splice(0, head); // drop consumed entries now and then rather than shifting each time
      head = 0;
    }
    for (const n of segments.filter((s) => s < cursor.segment)) {
      await rm(join(dir, segmentName(n)), { force: true });
      segments.splice(segments.indexOf(n), 1);
    }
    return results;
  }

  async function readEntry(entry: Entry): Promise<SpooledBatch | string> {
    const buf = Buffer.alloc(entry.size);
    try {
      const handle = await open(join(dir, segmentName(entry.segment)), 'r');
      try {
        await handle.read(buf, 0, entry.size, entry.offset);
      } finally {
        await handle.close();
      }
    } catch (error) {
      return `unreadable: ${(error as Error).message}`;
    }
    const check = checkFrame(buf, 0);
    if (!check.ok) return check.reason;
    try {
      const parsed = spooledBatchSchema.safeParse(JSON.parse(check.payload.toString('utf8')));
      return parsed.success ? parsed.data : 'not a report batch';
    } catch {
      return 'not JSON';
    }
  }

  return {
    append: (batch) =>
      exclusive(async () => {
        const batchId = randomUUID();
        const results = batch.rounds.length + batch.certificates.length;
        const frame = encodeFrame(Buffer.from(JSON.stringify({ batchId, ...batch }), 'utf8'), results);
        if (frame.length > maxBytes) throw new Error(`batch of ${frame.length} bytes exceeds the spool (${maxBytes})`);
        let drop = 0;
        for (let bytes = liveBytes; bytes + frame.length > maxBytes; drop++) bytes -= live[head + drop]!.size;
        if (drop > 0) {
          const dropped = await consume(drop, true);
          logger.warn('spool full: dropped the oldest records', {
            records: drop,
            results: dropped,
            droppedTotal: cursor.droppedTotal,
          });
        }
        if (activeSize > 0 && activeSize + frame.length > maxSegmentBytes) {
          const next = await openSegment(active + 1); // before closing, so a failure leaves a usable file
          await file.close();
          file = next;
          active += 1;
          activeSize = 0;
          segments.push(active);
        }
        try {
          let written = 0;
          while (written < frame.length) written += (await file.write(frame, written)).bytesWritten;
          await file.datasync();
        } catch (error) {
          // Leave no half record behind (disk full): the caller learns the batch was not accepted.
          await file.truncate(activeSize).catch(() => undefined);
          throw error;
        }
        live.push({ segment: active, offset: activeSize, size: frame.length, results });
        activeSize += frame.length;
        liveBytes += frame.length;
        for (const listener of listeners) listener();
        return { batchId };
      }),

    peek: () =>
      exclusive(async () => {
        for (let entry = live[head]; entry; entry = live[head]) {
          if (cached?.entry === entry) return cached.record;
          const batch = await readEntry(entry);
          if (typeof batch !== 'string') {
            cached = { entry, record: { position: { segment: entry.segment, offset: entry.offset }, batch } };
            return cached.record;
          }
          // Damaged after the spool was opened (or unreadable): skip it alone, keep the rest.
          reportDamage(entry.segment, { offset: entry.offset, length: entry.size, reason: batch });
          await consume(1, false);
        }
        return undefined;
      }),

    ack: (position) =>
      exclusive(async () => {
        const entry = live[head];
        if (!entry || entry.segment !== position.segment || entry.offset !== position.offset) return false;
        await consume(1, false);
        return true;
      }),

    stats: () => ({
      records: live.length - head,
      bytes: liveBytes,
      droppedTotal: cursor.droppedTotal,
      droppedRecordsTotal: cursor.droppedRecordsTotal,
      corruptSkipped,
    }),

    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close: () =>
      exclusive(async () => {
        closed = true;
        listeners.clear();
        await file.close();
      }),
  };
}
