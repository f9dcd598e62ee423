import { collectDefaultMetrics, Counter, Gauge, type Registry } from 'prom-client';
import type { ProbeKind } from '../../core/contracts/agent.ts';

/**
 * The agent's own health, so a silent agent is told apart from a silent link: when it last
 * delivered to the console, what waits in its spool, what it had to drop or had refused, which
 * configuration it runs, and which version. Plus prom-client's process and Node.js metrics.
 */

/** What the spool reports; read at scrape time so the figures are never stale. */
export type SpoolFigures = { records: number; bytes: number; droppedTotal: number };

export type AgentMetrics = {
  /** The console acknowledged a batch. */
  pushSucceeded(at: Date): void;
  /** The console refused batches (4xx other than auth): they are dropped, not retried. */
  reportsRejected(count?: number): void;
  configApplied(revision: string): void;
  /** A probe could not run at all (fping missing): a fault of the agent, not loss on a link. */
  probeFailed(kind: ProbeKind): void;
};

export function registerAgentMetrics(
  registry: Registry,
  { version, spool }: { version: string; spool?: () => SpoolFigures },
): AgentMetrics {
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'agent_build_info',
    help: 'Always 1; the labels say which agent version and Node.js run.',
    labelNames: ['version', 'node_version'],
    registers,
  }).set({ version, node_version: process.versions.node }, 1);

  const lastPush = new Gauge({
    name: 'agent_last_successful_push_timestamp_seconds',
    help: 'When the console last acknowledged a batch (unix time); 0 until the first since the agent started.',
    registers,
  });
  const rejected = new Counter({
    name: 'agent_reports_rejected_total',
    help: 'Batches the console refused as invalid; dropped rather than retried for ever.',
    registers,
  });
  const revision = new Gauge({
    name: 'agent_config_revision_info',
    help: 'Always 1; the revision label names the configuration in force (console + local file).',
    labelNames: ['revision'],
    registers,
  });
  const probeFailures = new Counter({
    name: 'agent_probe_failures_total',
    help: 'Rounds that could not run at all (probe tool missing or not permitted), by kind.',
    labelNames: ['kind'],
    registers,
  });

  new Gauge({
    name: 'agent_spool_records',
    help: 'Batches waiting in the spool for the console.',
    registers,
    collect() {
      if (spool) this.set(spool().records);
    },
  });
  new Gauge({
    name: 'agent_spool_bytes',
    help: 'Bytes the waiting batches take on disk.',
    registers,
    collect() {
      if (spool) this.set(spool().bytes);
    },
  });
  new Counter({
    name: 'agent_results_dropped_total',
    help: 'Results dropped because the spool was full (over the spool’s life, across restarts).',
    registers,
    collect() {
      // The spool keeps the running total; a counter cannot be set, so it is rebuilt from it.
      if (!spool) return;
      this.reset();
      this.inc(spool().droppedTotal);
    },
  });

  return {
    pushSucceeded(at) {
      lastPush.set(at.getTime() / 1000);
    },
    reportsRejected(count = 1) {
      rejected.inc(count);
    },
    configApplied(value) {
      revision.reset(); // one series: the revision in force, not every one ever applied
      revision.set({ revision: value }, 1);
    },
    probeFailed(kind) {
      probeFailures.inc({ kind });
    },
  };
}
