import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { reportBatchSchema } from '../../core/contracts/agent.ts';
import { sampleCertificate, sampleRound } from './sample-results.ts';
import { derivedBatchId, splitBatch } from './split-batch.ts';
import type { SpooledBatch } from './spool.ts';

const batch = (rounds: number, certificates: number): SpooledBatch => ({
  batchId: randomUUID(),
  agentVersion: '0.1.0',
  configRevision: null,
  rounds: Array.from({ length: rounds }, (_, i) => sampleRound(`t${i}`)),
  certificates: Array.from({ length: certificates }, (_, i) => sampleCertificate('s', i)),
});

it.each([
  [4, 0, [2, 0], [2, 0]],
  [3, 2, [3, 0], [0, 2]],
  [1, 4, [1, 2], [0, 2]],
  [0, 3, [0, 2], [0, 1]],
])('splits %i rounds and %i certificates in order', (rounds, certificates, first, second) => {
  const whole = batch(rounds, certificates);
  const [a, b] = splitBatch(whole)!;
  expect([a.rounds.length, a.certificates.length]).toEqual(first);
  expect([b.rounds.length, b.certificates.length]).toEqual(second);
  expect([...a.rounds, ...b.rounds]).toEqual(whole.rounds);
  expect([...a.certificates, ...b.certificates]).toEqual(whole.certificates);
});

it('cannot split a single result', () => {
  expect(splitBatch(batch(1, 0))).toBeUndefined();
  expect(splitBatch(batch(0, 0))).toBeUndefined();
});

it('derives the same valid, distinct batch ids every time', () => {
  const parent = randomUUID();
  const [a, b] = [derivedBatchId(parent, 0), derivedBatchId(parent, 1)];
  expect(a).not.toBe(b);
  expect(derivedBatchId(parent, 0)).toBe(a);
  const sent = {
    ...batch(1, 0),
    batchId: a,
    sentAt: new Date().toISOString(),
    spool: { records: 0, bytes: 0, droppedTotal: 0 },
  };
  expect(reportBatchSchema.safeParse(sent).success).toBe(true);
});
