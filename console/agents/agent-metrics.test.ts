import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { registerAgentMetrics } from './agent-metrics.ts';
import { assignLink, batch, enrolledAgent } from './testing.ts';
import { unreadableStore } from '../metrics/unreadable-store.ts';

type Series = { labels: Record<string, string | number>; value: number };

describe('agent last-seen and spool metrics', () => {
  let t: TestConsole;
  let operator: string;
  const registry = new Registry();
  const series = async (name: string): Promise<Series[]> =>
    (await registry.getSingleMetric(name)!.get()).values as Series[];
  const post = (path: string, body: unknown, token?: string) =>
    t.request(path, { method: 'POST', token, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    t = await testConsole();
    operator = await t.tokenFor('network-operator');
    registerAgentMetrics(registry, { uow: t.deps.uow });
  });
  afterAll(() => t.dispose());

  it('reports when each enrolled agent last reached the console and what its spool held', async () => {
    const enrolledAt = t.clock.now();
    const hefei = await enrolledAgent(t, operator, { name: 'probe-hf-01', site: 'prod-hefei' });
    await enrolledAgent(t, operator, { name: 'probe-anywhere' });
    // Created but never enrolled: it has never spoken, so it has nothing to be silent about.
    expect((await post('/api/v1/agents', { name: 'probe-pending' }, operator)).status).toBe(201);

    const enrolled = await series('govops_agent_last_seen_timestamp_seconds');
    expect(enrolled).toHaveLength(2);
    expect(enrolled).toEqual(
      expect.arrayContaining([
        { labels: { agent: 'probe-hf-01', site: 'prod-hefei' }, value: enrolledAt.getTime() / 1000 },
        { labels: { agent: 'probe-anywhere' }, value: enrolledAt.getTime() / 1000 },
      ]),
    );
    expect(await series('govops_agent_spool_records')).toContainEqual({
      labels: { agent: 'probe-hf-01', site: 'prod-hefei' },
      value: 0,
    });

    // A report an hour later moves last-seen and carries the spool depth (seven batches waiting).
    t.clock.advance(3_600_000);
    await assignLink(t, hefei.id, 'dept-AGENT-1');
    const report = batch(['dept-AGENT-1'], { at: t.clock.now().toISOString() });
    expect((await post('/api/v1/agents/reports', report, hefei.credential)).status).toBe(200);
    const lastSeen = await series('govops_agent_last_seen_timestamp_seconds');
    expect(lastSeen.find((s) => s.labels.agent === 'probe-hf-01')!.value).toBe(t.clock.now().getTime() / 1000);
    expect(lastSeen.find((s) => s.labels.agent === 'probe-anywhere')!.value).toBe(enrolledAt.getTime() / 1000);
    expect((await series('govops_agent_spool_records')).find((s) => s.labels.agent === 'probe-hf-01')!.value).toBe(
      report.spool.records,
    );
  });

  it('drops a revoked agent’s series, so revoking one does not page as "agent silent"', async () => {
    const doomed = await enrolledAgent(t, operator, { name: 'probe-retired' });
    expect((await series('govops_agent_last_seen_timestamp_seconds')).map((s) => s.labels.agent)).toContain(
      'probe-retired',
    );
    expect((await post(`/api/v1/agents/${doomed.id}/revoke`, undefined, operator)).status).toBe(200);
    for (const name of ['govops_agent_last_seen_timestamp_seconds', 'govops_agent_spool_records']) {
      expect((await series(name)).map((s) => s.labels.agent)).not.toContain('probe-retired');
    }
  });

  it('leaves both families empty and logs a warning when the store cannot be read', async () => {
    const logger = memoryLogger();
    const broken = new Registry();
    const uow = unreadableStore(t.deps.uow);
    registerAgentMetrics(broken, { uow, logger });
    const text = await broken.metrics();
    expect(text).toContain('# TYPE govops_agent_spool_records gauge');
    expect(text).not.toMatch(/^govops_agent_\w+\{/m);
    expect(logger.lines.join('')).toContain('govops_agent_last_seen_timestamp_seconds');
  });
});
