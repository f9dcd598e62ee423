import { Counter, type Registry } from 'prom-client';

export const reportOutcomes = ['stored', 'duplicate', 'forbidden', 'invalid'] as const;
export type ReportOutcome = (typeof reportOutcomes)[number];

export type ReportMetrics = { report(outcome: ReportOutcome): void; rounds(n: number): void };

/**
 * What agents' reports did to the console, for the extranet dashboards: batches by outcome (four
 * values: the label stays bounded, never an agent id) and rounds stored. Every outcome starts at
 * zero so a rate over it exists before the first refusal.
 */
export function agentReportMetrics(registry: Registry): ReportMetrics {
  const reports = counter(registry, {
    name: 'govops_agent_reports_total',
    help: 'Report batches received from site agents, by outcome (stored, duplicate, forbidden, invalid).',
    labelNames: ['outcome'],
  });
  const rounds = counter(registry, {
    name: 'govops_agent_report_rounds_total',
    help: 'Link rounds stored from site agents’ report batches.',
    labelNames: [],
  });
  for (const outcome of reportOutcomes) reports.inc({ outcome }, 0);
  return {
    report: (outcome) => reports.inc({ outcome }),
    rounds: (n) => rounds.inc(n),
  };
}

/** One counter per registry, even when the app is built twice over the same one. */
function counter(registry: Registry, config: { name: string; help: string; labelNames: string[] }): Counter<string> {
  const existing = registry.getSingleMetric(config.name);
  return existing ? (existing as Counter<string>) : new Counter({ ...config, registers: [registry] });
}
