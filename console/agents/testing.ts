import { randomUUID } from 'node:crypto';
import type { CertificateObservation, LinkRound, ReportBatch, TargetInput } from '../../core/contracts/agent.ts';
import type { TestConsole } from '../testing/harness.ts';

/**
 * Fixtures for the agents tests: an agent enrolled through the API, links assigned to it in the
 * store (as the links area will), and report batches shaped as the contract says.
 */

/** Creates an agent as a network operator and enrols it; returns its id, name and credential. */
export async function enrolledAgent(
  t: TestConsole,
  operator: string,
  input: { name: string; site?: string; department?: string },
): Promise<{ id: string; name: string; credential: string; token: string }> {
  const created = await t.request('/api/v1/agents', { method: 'POST', token: operator, body: JSON.stringify(input) });
  if (created.status !== 201) throw new Error(`create ${input.name}: ${created.status} ${await created.text()}`);
  const { agent, enrolment } = (await created.json()) as { agent: { id: string }; enrolment: { token: string } };
  const enrolled = await t.request('/api/v1/agents/enrol', {
    method: 'POST',
    body: JSON.stringify({ token: enrolment.token, hostname: `${input.name}.example`, version: '1.0.0' }),
  });
  if (enrolled.status !== 201) throw new Error(`enrol ${input.name}: ${enrolled.status} ${await enrolled.text()}`);
  const { credential } = (await enrolled.json()) as { credential: string };
  return { id: agent.id, name: input.name, credential, token: enrolment.token };
}

/** The contract's Target without its id, as `links.probe` holds it. */
export type ProbeInput = TargetInput extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

/** A link measured by the agent, written as the links area stores it (probe = Target without id). */
export async function assignLink(
  t: TestConsole,
  agentId: string | null,
  code: string,
  probe: ProbeInput = { kind: 'icmp', host: '10.20.0.1' },
): Promise<void> {
  const at = t.clock.now().toISOString();
  await t.deps.uow.root
    .insertInto('links')
    .values({
      code,
      name: `链路 ${code}`,
      link_class: 'department',
      parent_code: null,
      region_code: null,
      department_code: null,
      agent_id: agentId,
      probe: JSON.stringify(probe),
      interval_seconds: probe.intervalSeconds ?? 30,
      demo: 0,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

/** One successful ICMP round to a target. */
export function round(targetId: string, startedAt: string): LinkRound {
  return {
    targetId,
    kind: 'icmp',
    startedAt,
    sent: 10,
    received: 10,
    lossRatio: 0,
    rttMs: { min: 1.2, avg: 2.5, max: 4.1, mdev: 0.6 },
    jitterMs: 0.4,
  };
}

/** A batch of rounds (one per target), with a fresh id unless one is given. */
export function batch(targets: string[], opts: { batchId?: string; at?: string } = {}): ReportBatch {
  const at = opts.at ?? '2026-11-21T08:00:00.000Z';
  return {
    batchId: opts.batchId ?? randomUUID(),
    agentVersion: '1.2.3',
    configRevision: 'rev-1',
    sentAt: at,
    spool: { records: 7, bytes: 4096, droppedTotal: 2 },
    rounds: targets.map((id) => round(id, at)),
    certificates: [],
  };
}

/** A server certificate as an agent reports it from a TLS source. */
export function observation(sourceId: string, fingerprintSha256: string): CertificateObservation {
  return {
    sourceId,
    location: 'tls://portal.ah.gov.cn:443',
    position: 0,
    chainLength: 2,
    fingerprintSha256,
    subject: 'CN=portal.ah.gov.cn,O=安徽省数据资源管理局',
    issuer: 'CN=Anhui Extranet SM2 CA',
    serial: '1A2B3C',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    keyAlgorithm: 'sm2',
    curve: 'SM2',
    signatureAlgorithm: 'SM2-with-SM3',
    signatureAlgorithmOid: '1.2.156.10197.1.501',
    sans: ['portal.ah.gov.cn'],
    isCa: false,
    personal: false,
    chainVerified: true,
    chainProblems: [],
    observedAt: '2026-11-21T08:00:00.000Z',
  };
}
