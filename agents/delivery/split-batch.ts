import { createHash } from 'node:crypto';
import type { SpooledBatch } from './spool.ts';

/**
 * What the pusher does with a batch the console calls too large (413): send it as two halves,
 * splitting again as needed. The batcher keeps batches far below the limit, so this is for a
 * console configured with a smaller body limit than the contract promises, or an older spool.
 *
 * A half's batch id is derived from its parent's id and its place in the split, never random:
 * after a crash the whole batch is replayed, split the same way, and halves already stored come
 * back as duplicates instead of being stored twice.
 */

export function splitBatch(batch: SpooledBatch): [SpooledBatch, SpooledBatch] | undefined {
  const total = batch.rounds.length + batch.certificates.length;
  if (total < 2) return undefined;
  const half = Math.ceil(total / 2);
  const roundsFirst = Math.min(half, batch.rounds.length);
  const certificatesFirst = half - roundsFirst;
  return [
    {
      ...batch,
      batchId: derivedBatchId(batch.batchId, 0),
      rounds: batch.rounds.slice(0, roundsFirst),
      certificates: batch.certificates.slice(0, certificatesFirst),
    },
    {
      ...batch,
      batchId: derivedBatchId(batch.batchId, 1),
      rounds: batch.rounds.slice(roundsFirst),
      certificates: batch.certificates.slice(certificatesFirst),
    },
  ];
}

/** A UUID (version 8, RFC 9562's custom layout) from the parent id and the half's index. */
export function derivedBatchId(parent: string, index: 0 | 1 | 'owned'): string {
  const bytes = createHash('sha256').update(`${parent}/${index}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * What is left of a batch once the rounds of links the console says this agent does not own
 * (403 naming them, e.g. a link reassigned between a configuration poll and a push) are taken
 * out, so the other results are not lost with them. Its id is derived, so a replay dedupes.
 */
export function withoutUnowned(batch: SpooledBatch, unowned: readonly string[]): SpooledBatch | undefined {
  const refused = new Set(unowned);
  const rounds = batch.rounds.filter((r) => !refused.has(r.targetId));
  if (rounds.length === batch.rounds.length || rounds.length + batch.certificates.length === 0) return undefined;
  return { ...batch, batchId: derivedBatchId(batch.batchId, 'owned'), rounds };
}
