import { writeSync } from 'node:fs';
import { silentLogger } from '../logger.ts';
import { sampleRound } from './sample-results.ts';
import { openSpool } from './spool.ts';

/**
 * The process spool-crash.test.ts kills with SIGKILL at random moments. It appends one record
 * after another, printing `A <id>` only once the append has been fsync'd, and now and then
 * consumes the head, printing `K <id>` once the cursor is durable. Small segments make it rotate
 * and delete files often, so kills land in every step. Usage: spool-crash-child.ts <dir> <run>.
 */

const [dir, run] = process.argv.slice(2);
if (!dir || !run) throw new Error('usage: spool-crash-child.ts <dir> <run>');

// Written straight to the descriptor: nothing printed may sit in a buffer the kill throws away.
const say = (line: string) => writeSync(1, `${line}\n`);

const spool = await openSpool({ dir, maxBytes: 64 * 1024 * 1024, maxSegmentBytes: 2048, logger: silentLogger });
say('ready');
for (let i = 0; ; i++) {
  const id = `r${run}-${i}`;
  await spool.append({ agentVersion: '0.1.0', configRevision: null, rounds: [sampleRound(id)], certificates: [] });
  say(`A ${id}`);
  if (i % 3 === 2) {
    const head = await spool.peek();
    if (head && (await spool.ack(head.position))) say(`K ${head.batch.rounds[0]!.targetId}`);
  }
}
