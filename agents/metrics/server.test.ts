import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { registerAgentMetrics } from './agent-metrics.ts';
import { startMetricsServer, type MetricsServer } from './server.ts';

describe('agent health metrics', () => {
  it('reports push, spool, drops, rejections, configuration and build, plus process metrics', async () => {
    const registry = new Registry();
    const spool = { records: 3, bytes: 4096, droppedTotal: 17 };
    const health = registerAgentMetrics(registry, { version: '0.1.0', spool: () => spool });
    health.pushSucceeded(new Date('2025-03-01T08:00:00Z'));
    health.reportsRejected();
    health.configApplied('r1+labc');
    health.configApplied('r2+labc');
    health.probeFailed('icmp');
    spool.records = 5;

    const text = await registry.metrics();
    const line = (prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));
    expect(line('agent_last_successful_push_timestamp_seconds ')).toEqual([
      `agent_last_successful_push_timestamp_seconds ${Date.parse('2025-03-01T08:00:00Z') / 1000}`,
    ]);
    expect(line('agent_spool_records ')).toEqual(['agent_spool_records 5']);
    expect(line('agent_spool_bytes ')).toEqual(['agent_spool_bytes 4096']);
    expect(line('agent_results_dropped_total ')).toEqual(['agent_results_dropped_total 17']);
    expect(line('agent_reports_rejected_total ')).toEqual(['agent_reports_rejected_total 1']);
    // Only the revision in force, not every one ever applied.
    expect(line('agent_config_revision_info')).toEqual(['agent_config_revision_info{revision="r2+labc"} 1']);
    expect(line('agent_probe_failures_total')).toEqual(['agent_probe_failures_total{kind="icmp"} 1']);
    expect(line('agent_build_info')).toEqual([
      `agent_build_info{version="0.1.0",node_version="${process.versions.node}"} 1`,
    ]);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });
});

describe('metrics server', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /metrics and /healthz on its address, and nothing else', async () => {
    const registry = new Registry();
    registerAgentMetrics(registry, { version: '0.1.0' });
    let healthy = true;
    server = await startMetricsServer({
      registry,
      host: '127.0.0.1',
      port: 0,
      health: () => (healthy ? { ok: true } : { ok: false, reason: 'configuration never loaded' }),
      logger: memoryLogger(),
    });
    const base = `http://127.0.0.1:${server.address.port}`;

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe(registry.contentType);
    expect(await metrics.text()).toContain('agent_build_info{version="0.1.0"');

    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    healthy = false;
    const sick = await fetch(`${base}/healthz`);
    expect([sick.status, await sick.text()]).toEqual([503, 'configuration never loaded\n']);

    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('fails to start, rather than serving nothing, when the address is taken', async () => {
    const logger = memoryLogger();
    server = await startMetricsServer({ registry: new Registry(), host: '127.0.0.1', port: 0, logger });
    await expect(
      startMetricsServer({ registry: new Registry(), host: '127.0.0.1', port: server.address.port, logger }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
