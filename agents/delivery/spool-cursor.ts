import { join } from 'node:path';
import { z } from 'zod';
import { readTextIfPresent, writeFileAtomic } from './atomic-file.ts';

/**
 * The spool's read position, persisted: everything before (segment, offset) has been consumed
 * (acknowledged by the console, rejected by it, or dropped because the spool was full). It also
 * carries the drop counters, so they survive restarts and the console sees a monotonic total.
 * Written atomically (temporary file, fsync, rename, directory fsync) on every change.
 */

const cursorSchema = z.object({
  segment: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** Results (link rounds + certificate observations) dropped because the spool was full. */
  droppedTotal: z.number().int().nonnegative(),
  droppedRecordsTotal: z.number().int().nonnegative(),
});
export type SpoolCursor = z.infer<typeof cursorSchema>;

export const cursorFileName = 'cursor.json';
const start: SpoolCursor = { segment: 0, offset: 0, droppedTotal: 0, droppedRecordsTotal: 0 };

/**
 * A missing cursor means a new spool. An unreadable one (it is renamed into place, so this means
 * someone edited or damaged it) restarts from the oldest record still on disk: records may be
 * sent again, which the console's batch-id dedupe absorbs, but none is skipped.
 */
export async function readCursor(dir: string): Promise<{ cursor: SpoolCursor; problem?: string }> {
  const text = await readTextIfPresent(join(dir, cursorFileName));
  if (text === undefined) return { cursor: start };
  try {
    return { cursor: cursorSchema.parse(JSON.parse(text)) };
  } catch {
    return { cursor: start, problem: 'cursor file unreadable; replaying every record on disk' };
  }
}

export async function writeCursor(dir: string, cursor: SpoolCursor): Promise<void> {
  await writeFileAtomic(join(dir, cursorFileName), `${JSON.stringify(cursor)}\n`);
}
