import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain. Each record's hash covers its own fields and the previous
 * record's hash, so changing, removing or reordering any stored record breaks every hash
 * after it; verification names the first record where that shows.
 */
export type AuditFields = {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  outcome: string;
  source: string;
  detail: string;
};

export type ChainedRecord = AuditFields & { prevHash: string; hash: string };

/** The hash before the first record. */
export const genesisHash = '0'.repeat(64);

/** The fields in their fixed order: the hash covers them so, and exports list them so. */
export const auditFieldNames = [
  'seq',
  'at',
  'actor',
  'role',
  'action',
  'target',
  'outcome',
  'source',
  'detail',
] as const;

/** A record's field values in `auditFieldNames` order. */
export function auditFieldValues(r: AuditFields): (string | number)[] {
  return auditFieldNames.map((name) => r[name]);
}

/** SHA-256 over the previous hash and the record's fields in a fixed order. */
export function auditHash(prevHash: string, r: AuditFields): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, ...auditFieldValues(r)]))
    .digest('hex');
}

export type ChainBreak = { seq: number; reason: 'missing' | 'altered' | 'relinked' | 'truncated' };
export type ChainState = { expectedSeq: number; prevHash: string; count: number };

/** The state before the first record. */
export function chainStart(): ChainState {
  return { expectedSeq: 1, prevHash: genesisHash, count: 0 };
}

/**
 * Checks the next record against the chain so far; returns the new state, or the break.
 * Records must be fed in sequence order.
 */
export function verifyNext(state: ChainState, r: ChainedRecord): ChainState | ChainBreak {
  if (r.seq !== state.expectedSeq) return { seq: state.expectedSeq, reason: 'missing' };
  if (r.prevHash !== state.prevHash) return { seq: r.seq, reason: 'relinked' };
  if (auditHash(r.prevHash, r) !== r.hash) return { seq: r.seq, reason: 'altered' };
  return { expectedSeq: r.seq + 1, prevHash: r.hash, count: state.count + 1 };
}

/** Checks the end of the chain against the recorded head, which catches removal of the newest records. */
export function verifyEnd(state: ChainState, head: { seq: number; hash: string }): ChainBreak | null {
  if (head.seq !== state.expectedSeq - 1 || head.hash !== state.prevHash)
    return { seq: state.expectedSeq, reason: 'truncated' };
  return null;
}

/** Whether a verification step found a break. */
export function isBreak(x: ChainState | ChainBreak): x is ChainBreak {
  return 'reason' in x;
}
