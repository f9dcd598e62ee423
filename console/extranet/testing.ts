import type { LinkRound } from '../../core/contracts/agent.ts';
import type { Principal } from '../../core/principal.ts';
import type { AgentsTable } from '../store/schema.ts';

/** Shared by the extranet tests: an operator, probes, rounds and agent rows. */

export const operator: Principal = {
  kind: 'user',
  id: 'op',
  name: 'op',
  roles: ['network-operator'],
  department: null,
};

export const icmpProbe = (host: string) => ({
  kind: 'icmp' as const,
  host,
  intervalSeconds: 30,
  packets: 10,
  timeoutMs: 1000,
});

export type RoundKind = 'ok' | 'lossy' | 'fail' | 'slow';

/** A round of ten packets: `lossy` loses two (20 %), `slow` answers in 400 ms, `fail` gets nothing back. */
export function round(link: string, at: Date | number, kind: RoundKind = 'ok'): LinkRound {
  const received = { ok: 10, lossy: 8, fail: 0, slow: 10 }[kind];
  const avg = kind === 'slow' ? 400 : 12;
  return {
    targetId: link,
    kind: 'icmp',
    startedAt: new Date(at).toISOString(),
    sent: 10,
    received,
    lossRatio: (10 - received) / 10,
    rttMs: received ? { min: avg - 2, avg, max: avg + 3, mdev: 1.5 } : null,
    jitterMs: received > 1 ? 0.8 : null,
    ...(received ? {} : { error: 'no reply' }),
  };
}

/** An enrolled agent as the agents table holds it (written directly: the tests are about links). */
export function agentRow(id: string, at: string, department: string | null = null): AgentsTable {
  return {
    id,
    name: id,
    site_code: null,
    department_code: department,
    status: 'active',
    enrol_token_hash: null,
    enrol_expires_at: null,
    credential_hash: null,
    hostname: null,
    version: null,
    created_at: at,
    created_by: 'test',
    enrolled_at: at,
    revoked_at: null,
    revoked_by: null,
    last_seen_at: null,
    config_revision: null,
    spool_records: 0,
    spool_bytes: 0,
    dropped_total: 0,
  };
}
