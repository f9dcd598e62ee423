import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkRound } from '../../core/contracts/agent.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { createReportIngest } from './ingest.ts';
import { agentReportMetrics } from './report-metrics.ts';
import { assignLink, batch, enrolledAgent } from './testing.ts';

const pgUp = await postgresAvailable();
const replays = 16;

/**
 * A batch replayed while its first delivery is still in flight (an agent that timed out and
 * retried, or two replicas behind a load balancer) is stored exactly once. The primary key of
 * report_batches decides, not a read before the write.
 */
describe.each(backends)('concurrent replays of one batch on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let agent: Awaited<ReturnType<typeof enrolledAgent>>;
  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open, demo: false });
    agent = await enrolledAgent(t, await t.tokenFor('network-operator'), { name: 'replayer' });
    await assignLink(t, agent.id, 'RP-001');
    await assignLink(t, agent.id, 'RP-002');
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const storedBatches = async () =>
    (await t.deps.uow.root.selectFrom('report_batches').select('batch_id').where('agent_id', '=', agent.id).execute())
      .length;

  it.runIf(enabled)(`stores once when ${replays} identical requests arrive together`, async () => {
    const one = batch(['RP-001', 'RP-002']);
    const answers = await Promise.all(
      Array.from({ length: replays }, () =>
        t.request('/api/v1/agents/reports', { method: 'POST', token: agent.credential, body: JSON.stringify(one) }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(replays).fill(200));
    const acks = await Promise.all(answers.map(json));
    expect(acks.filter((a) => !a.duplicate)).toEqual([
      { batchId: one.batchId, duplicate: false, rounds: 2, certificates: 0 },
    ]);
    expect(await storedBatches()).toBe(1);
  });

  it.runIf(enabled)('makes a replay wait for the first delivery’s transaction, then store nothing', async () => {
    // The first delivery's round sink holds its transaction open until released, so the replay's
    // insert meets the uncommitted batch row (on PostgreSQL it waits on its lock).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const recorded: { agentId: string; rounds: readonly LinkRound[] }[] = [];
    let calls = 0;
    const ingest = createReportIngest({
      uow: t.deps.uow,
      now: t.deps.now,
      logger: t.logger,
      metrics: agentReportMetrics(t.deps.registry),
      certificates: { recordObservations: async () => {} },
      rounds: {
        async recordRounds(agentId, rounds) {
          recorded.push({ agentId, rounds });
          if (calls++ === 0) await held;
        },
      },
    });
    const one = batch(['RP-001']);
    const caller = { id: agent.id, name: agent.name, site: null, department: null };
    const before = await storedBatches();
    const order: string[] = [];
    const first = ingest.store(caller, one).then((ack) => {
      order.push('first');
      return ack;
    });
    await new Promise((r) => setTimeout(r, 50));
    const replay = ingest.store(caller, one).then((ack) => {
      order.push('replay');
      return ack;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]);
    release();
    const [a, b] = await Promise.all([first, replay]);
    // Once the first commits, both answers return together, in either order: what matters is
    // that the replay waited (above), and that it stored nothing.
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(true);
    expect(recorded).toHaveLength(1);
    expect(await storedBatches()).toBe(before + 1);
  });
});
