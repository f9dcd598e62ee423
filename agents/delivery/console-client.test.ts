import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportBatch } from '../../core/contracts/agent.ts';
import { ConsoleError, createConsoleClient } from './console-client.ts';
import { startConsoleStandIn } from './console-stand-in.ts';
import type { ConsoleStandIn } from './console-stand-in.ts';
import { sampleRound } from './sample-results.ts';

let standIn: ConsoleStandIn;
beforeEach(async () => {
  standIn = await startConsoleStandIn({ ownedTargets: ['core-1', 'core-2'], maxBodyBytes: 64 * 1024 });
  standIn.credentials.add('cred-ok');
});
afterEach(async () => {
  await standIn.stop();
});

const token = 'enrol-token-0123456789abcdef';
const client = (credential?: string, timeoutMs = 2000) =>
  createConsoleClient({ baseUrl: `${standIn.url}/`, credential, timeoutMs });
const report = (targets = ['core-1']): ReportBatch => ({
  batchId: randomUUID(),
  agentVersion: '0.1.0',
  configRevision: 'rev-1',
  sentAt: '2025-03-01T08:00:01.000Z',
  spool: { records: 1, bytes: 400, droppedTotal: 0 },
  rounds: targets.map(sampleRound),
  certificates: [],
});

describe('enrolment', () => {
  it('exchanges a one-time token for a credential, and says why when the token is refused', async () => {
    standIn.tokens.add(token);
    const enrolled = await client().enrol({ token, hostname: 'agent-hz-01', version: '0.1.0' });
    expect(standIn.credentials.has(enrolled.credential)).toBe(true);

    const again = client().enrol({ token, hostname: 'agent-hz-01', version: '0.1.0' });
    await expect(again).rejects.toMatchObject({ kind: 'refused', status: 409 });
    await expect(again).rejects.toThrow(/already used or expired; ask a system administrator for a new one/);
    const unknown = client().enrol({ token: 'x'.repeat(24), hostname: 'h', version: '0.1.0' });
    await expect(unknown).rejects.toMatchObject({ kind: 'refused', status: 401 });
  });

  it('reports an unreachable console as unavailable', async () => {
    await standIn.stop();
    const failed = client().enrol({ token, hostname: 'h', version: '0.1.0' });
    await expect(failed).rejects.toBeInstanceOf(ConsoleError);
    await expect(failed).rejects.toMatchObject({ kind: 'unavailable', message: /ECONNREFUSED/ });
    await standIn.start();
  });
});

describe('configuration', () => {
  it('fetches with an ETag, then learns it is unchanged; a revoked credential is unauthorised', async () => {
    const first = await client('cred-ok').fetchConfig(null);
    expect(first).toEqual({ status: 'changed', config: standIn.config, etag: '"rev-1"' });
    expect(await client('cred-ok').fetchConfig('"rev-1"')).toEqual({ status: 'unchanged' });
    await expect(client('cred-revoked').fetchConfig()).rejects.toMatchObject({ kind: 'unauthorised', status: 401 });
    standIn.interfere = () => ({ status: 200, body: { revision: '' } });
    await expect(client('cred-ok').fetchConfig()).rejects.toMatchObject({ kind: 'bad_response' });
  });
});

describe('reports', () => {
  it('is acknowledged, and acknowledged as a duplicate when replayed with the same id', async () => {
    const batch = report();
    expect(await client('cred-ok').postReport(batch)).toEqual({
      kind: 'acked',
      ack: { batchId: batch.batchId, duplicate: false, rounds: 1, certificates: 0 },
    });
    expect(await client('cred-ok').postReport({ ...batch, sentAt: '2025-03-01T08:05:00.000Z' })).toMatchObject({
      kind: 'acked',
      ack: { duplicate: true },
    });
    expect(standIn.stored).toHaveLength(1);
  });

  it('maps each refusal to what the pusher must do', async () => {
    const c = client('cred-ok');
    const invalid = { ...report(), rounds: [{ ...sampleRound('core-1'), sent: 0 }] };
    expect(await c.postReport(invalid)).toEqual({
      kind: 'rejected',
      status: 400,
      code: 'invalid',
      message: 'invalid: not a report batch',
    });
    expect(await c.postReport(report(['someone-elses']))).toMatchObject({
      kind: 'rejected',
      status: 403,
      code: 'unowned_targets',
      unownedTargets: ['someone-elses'],
    });
    expect(await client('cred-revoked').postReport(report())).toMatchObject({ kind: 'unauthorised' });
    const big = report(Array.from({ length: 400 }, () => 'core-1'));
    expect(await c.postReport(big)).toEqual({ kind: 'too_large' });
  });

  it('asks for a retry when the console is away, slow, failing or answers nonsense', async () => {
    const c = client('cred-ok', 200);
    standIn.interfere = () => ({
      status: 503,
      body: { error: { code: 'unavailable', message: 'draining' } },
      headers: { 'retry-after': '7' },
    });
    expect(await c.postReport(report())).toEqual({ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 7000 });
    standIn.interfere = () => 'hang';
    expect(await c.postReport(report())).toEqual({ kind: 'retry', reason: 'no answer within 200 ms' });
    standIn.interfere = () => 'reset';
    expect(await c.postReport(report())).toMatchObject({
      kind: 'retry',
      reason: expect.stringMatching(/ECONNRESET|socket/i),
    });
    standIn.interfere = () => ({
      status: 200,
      body: { batchId: randomUUID(), duplicate: false, rounds: 1, certificates: 0 },
    });
    expect(await c.postReport(report())).toMatchObject({ kind: 'retry', reason: /acknowledgement that does not fit/ });
    standIn.interfere = () => ({ status: 302, headers: { location: 'http://example.invalid/' } });
    expect(await c.postReport(report())).toMatchObject({ kind: 'retry' });
    standIn.interfere = undefined;
    await standIn.stop();
    // Refused, or the pooled connection found closed: either way, try again later.
    expect(await c.postReport(report())).toEqual({
      kind: 'retry',
      reason: expect.stringMatching(/ECONNREFUSED|UND_ERR_SOCKET/),
    });
    await standIn.start();
    expect(await c.postReport(report())).toMatchObject({ kind: 'acked' });
  });
});
