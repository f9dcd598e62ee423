import { describe, expect, it } from 'vitest';
import {
  auditHash,
  type ChainedRecord,
  chainStart,
  genesisHash,
  isBreak,
  verifyEnd,
  verifyNext,
} from './audit-chain.ts';

function chain(n: number): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  let prev = genesisHash;
  for (let seq = 1; seq <= n; seq++) {
    const f = {
      seq,
      at: `2026-11-21T00:00:0${seq}Z`,
      actor: 'admin',
      role: 'system-admin',
      action: 'x',
      target: `t${seq}`,
      outcome: 'success',
      source: '127.0.0.1',
      detail: '{}',
    };
    const hash = auditHash(prev, f);
    out.push({ ...f, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

function verify(records: ChainedRecord[], head = { seq: 5, hash: chain(5)[4]!.hash }) {
  let s = chainStart();
  for (const r of records) {
    const next = verifyNext(s, r);
    if (isBreak(next)) return next;
    s = next;
  }
  return verifyEnd(s, head) ?? { ok: s.count };
}

describe('audit chain', () => {
  const good = chain(5);
  it.each([
    ['intact chain', good, { ok: 5 }],
    [
      'a field changed in record 3',
      good.map((r) => (r.seq === 3 ? { ...r, actor: 'mallory' } : r)),
      { seq: 3, reason: 'altered' },
    ],
    ['record 2 deleted', good.filter((r) => r.seq !== 2), { seq: 2, reason: 'missing' }],
    [
      'record 3 re-hashed after a change',
      (() => {
        const c = chain(5);
        const r3 = { ...c[2]!, target: 'forged' };
        r3.hash = auditHash(r3.prevHash, r3);
        c[2] = r3;
        return c;
      })(),
      { seq: 4, reason: 'relinked' },
    ],
    ['newest record deleted', good.slice(0, 4), { seq: 5, reason: 'truncated' }],
  ])('%s', (_name, records, expected) => {
    expect(verify(records)).toEqual(expected);
  });
});
