import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCursor } from '../agents/delivery/spool-cursor.ts';
import { checkFrame, scanFrames } from '../agents/delivery/spool-frame.ts';

/** A read-only look into an agent's spool directory, for end-to-end tests. */

/** One record found in a spool's segment files. */
export type SpooledRecord = {
  batchId: string;
  rounds: number;
  certificates: number;
  /** At or past the cursor: not yet consumed, so the agent replays it on its next start. */
  waiting: boolean;
};

/**
 * Every intact record in a spool directory's segment files, consumed or not, read without
 * changing anything (the agent must not be running). Every record there was fsync'd, i.e.
 * accepted by the agent.
 */
export async function readSpoolDir(dir: string): Promise<SpooledRecord[]> {
  const { cursor } = await readCursor(dir);
  const records: SpooledRecord[] = [];
  const segments = (await readdir(dir)).filter((n) => /^\d{12}\.seg$/.test(n)).sort();
  for (const name of segments) {
    const segment = Number(name.slice(0, 12));
    const buf = await readFile(join(dir, name));
    for (const frame of scanFrames(buf, 0).frames) {
      const check = checkFrame(buf, frame.offset);
      if (!check.ok) continue;
      const batch = JSON.parse(check.payload.toString('utf8')) as {
        batchId: string;
        rounds: unknown[];
        certificates: unknown[];
      };
      records.push({
        batchId: batch.batchId,
        rounds: batch.rounds.length,
        certificates: batch.certificates.length,
        waiting: segment > cursor.segment || (segment === cursor.segment && frame.offset >= cursor.offset),
      });
    }
  }
  return records;
}
