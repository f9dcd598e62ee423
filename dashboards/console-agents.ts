import * as common from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { finishDashboard, govopsDashboard } from './dashboard.ts';
import { defaultStat, defaultTable } from './panels/current-values.ts';
import { defaultTimeseries } from './panels/over-time.ts';
import { instantQuery, prometheusQuery, tableQuery } from './panels/queries.ts';
import { highIsBad } from './panels/thresholds.ts';
import { siteVariable } from './variables.ts';

/**
 * The console and the site agents as services: the console's requests, latency, errors and
 * process (per replica: these are the process's own figures, summed over replicas where that
 * means something), and each agent's last report, spool and losses. The agents' last-seen time
 * and spool come from the console's store (max over replicas); what an agent dropped or had
 * refused comes from the agent itself.
 */

const requests = 'govops_http_request_duration_seconds';

export function consoleRequestRate() {
  return defaultTimeseries()
    .title('Console requests per second by route')
    .description('Requests answered by the console, per route template (never a raw path), over all replicas.')
    .unit('reqps')
    .min(0)
    .withTarget(prometheusQuery(`sum by (route) (rate(${requests}_count[$__rate_interval]))`, '{{route}}'));
}

export function consoleLatency() {
  return defaultTimeseries()
    .title('Console latency by route (p50, p95)')
    .description(
      'Median and 95th percentile time to answer, per route. ConsoleHighLatency fires when the p95 over all routes ' +
        'stays above 1 s for 10 minutes.',
    )
    .unit('s')
    .min(0)
    .withTarget(
      prometheusQuery(
        `histogram_quantile(0.5, sum by (route, le) (rate(${requests}_bucket[$__rate_interval])))`,
        'p50 {{route}}',
      ),
    )
    .withTarget(
      prometheusQuery(
        `histogram_quantile(0.95, sum by (route, le) (rate(${requests}_bucket[$__rate_interval])))`,
        'p95 {{route}}',
      ),
    );
}

export function consoleErrorRatio() {
  return defaultTimeseries()
    .title('Console 5xx ratio')
    .description(
      'Share of requests answered with a 5xx status. Above 5 % over 5 minutes, for 10 minutes, ConsoleHighErrorRate ' +
        'fires.',
    )
    .unit('percentunit')
    .min(0)
    .thresholds(highIsBad(0.05, 0.01))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .withTarget(
      prometheusQuery(
        // No 5xx yet means no 5xx series at all: count it as zero rather than show nothing.
        `(sum(rate(${requests}_count{status_class="5xx"}[$__rate_interval])) or vector(0)) / sum(rate(${requests}_count[$__rate_interval]))`,
        '5xx ratio',
      ),
    );
}

export function consoleMemory() {
  return defaultTimeseries()
    .title('Console memory per replica')
    .description('Resident memory of each console process, and the part of it that is the JavaScript heap in use.')
    .unit('bytes')
    .min(0)
    .withTarget(prometheusQuery('max by (instance) (govops_process_resident_memory_bytes)', 'resident {{instance}}'))
    .withTarget(prometheusQuery('max by (instance) (govops_nodejs_heap_size_used_bytes)', 'heap used {{instance}}'));
}

export function consoleCpu() {
  return defaultTimeseries()
    .title('Console CPU per replica')
    .description('CPU time each console process uses per second: 100 % is one core.')
    .unit('percentunit')
    .min(0)
    .withTarget(
      prometheusQuery('sum by (instance) (rate(govops_process_cpu_seconds_total[$__rate_interval]))', '{{instance}}'),
    );
}

export function consoleEventLoopLag() {
  return defaultTimeseries()
    .title('Console event-loop lag per replica')
    .description(
      'How late timers fire in each console process (p99 over the sampling window): lag means every request on that ' +
        'replica waits, whatever its route.',
    )
    .unit('s')
    .min(0)
    .thresholds(highIsBad(0.5, 0.1))
    .withTarget(prometheusQuery('max by (instance) (govops_nodejs_eventloop_lag_p99_seconds)', 'p99 {{instance}}'));
}

export function agentsTimeSinceLastHeard() {
  return defaultTable()
    .title('Time since the console last heard from each agent')
    .description(
      'Enrolled agents and how long ago each last reported to the console or polled its configuration (every ' +
        'minute), longest first. Past 5 minutes AgentSilent fires: its links are no longer measured.',
    )
    .unit('s')
    .thresholds(highIsBad(300, 90))
    .cellOptions({ type: common.TableCellDisplayMode.ColorText })
    .withTarget(tableQuery('time() - max by (agent, site) (govops_agent_last_seen_timestamp_seconds{site=~"$site"})'));
}

export function agentSpoolDepth() {
  return defaultTimeseries()
    .title('Agent spool depth')
    .description(
      'Batches waiting in each agent’s spool, as it last reported. A spool that keeps growing means the agent cannot ' +
        'deliver: AgentSpoolGrowing fires after 15 minutes.',
    )
    .unit('short')
    .min(0)
    .withTarget(
      prometheusQuery('max by (agent, site) (govops_agent_spool_records{site=~"$site"})', '{{agent}} ({{site}})'),
    );
}

export function agentReportsByOutcome() {
  return defaultTimeseries()
    .title('Agent reports by outcome')
    .description(
      'Report batches the console received per second: stored, duplicate (a retry of a stored batch: harmless), ' +
        'forbidden (credential refused) and invalid.',
    )
    .unit('reqps')
    .min(0)
    .withTarget(
      prometheusQuery('sum by (outcome) (rate(govops_agent_reports_total[$__rate_interval]))', '{{outcome}}'),
    );
}

export function agentReportsRefused() {
  return defaultStat()
    .title('Reports refused over the range')
    .description(
      'Batches the console refused (forbidden or invalid) over the time range. An invalid batch is dropped by the ' +
        'agent, not retried: its rounds are lost.',
    )
    .unit('short')
    .thresholds(highIsBad(1))
    .withTarget(
      instantQuery(
        'sum(increase(govops_agent_reports_total{outcome=~"forbidden|invalid"}[$__range])) or vector(0)',
        'refused',
      ),
    );
}

export function agentResultsDropped() {
  return defaultStat()
    .title('Results dropped over the range')
    .description(
      'Results the agents dropped because their spool was full, over the time range: measurements lost for good. ' +
        'Any fires AgentResultsDropped.',
    )
    .unit('short')
    .thresholds(highIsBad(1))
    .withTarget(instantQuery('sum(increase(agent_results_dropped_total[$__range])) or vector(0)', 'dropped'));
}

export function agentReportsRejectedByAgent() {
  return defaultStat()
    .title('Batches the console refused, by agent')
    .description(
      'Report batches each scraped agent had refused as invalid over the time range (dropped, not retried): any ' +
        'fires AgentReportsRejected. Often an agent whose version or clock differs from the rest.',
    )
    .unit('short')
    .thresholds(highIsBad(1))
    .withTarget(
      instantQuery(
        'sum by (instance) (increase(agent_reports_rejected_total[$__range])) or on () vector(0)',
        'refused',
      ),
    );
}

export function consoleAgentsDashboard(): Dashboard {
  return finishDashboard(
    govopsDashboard({
      uid: 'govops-console-agents',
      title: 'GovOps / Console and agents',
      description:
        'Console request rate, latency and 5xx ratio by route, its processes; site agents’ last report, spool depth, ' +
        'reports by outcome and results dropped.',
      tags: ['console', 'agents'],
    })
      .withVariable(siteVariable('govops_site_capacity'))
      .withRow(new RowBuilder('Console'))
      .withPanel(consoleRequestRate().height(8).span(8))
      .withPanel(consoleLatency().height(8).span(8))
      .withPanel(consoleErrorRatio().height(8).span(8))
      .withPanel(consoleMemory().height(7).span(8))
      .withPanel(consoleCpu().height(7).span(8))
      .withPanel(consoleEventLoopLag().height(7).span(8))
      .withRow(new RowBuilder('Site agents'))
      .withPanel(agentsTimeSinceLastHeard().height(8).span(12))
      .withPanel(agentSpoolDepth().height(8).span(12))
      .withPanel(agentReportsByOutcome().height(7).span(12))
      .withPanel(agentReportsRefused().height(7).span(6))
      .withPanel(agentResultsDropped().height(7).span(6))
      .withPanel(agentReportsRejectedByAgent().height(7).span(12)),
  );
}
