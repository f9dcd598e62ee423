import * as common from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { finishDashboard, govopsDashboard } from './dashboard.ts';
import { defaultBarGauge, defaultStat, matrixTable } from './panels/current-values.ts';
import { defaultTimeseries, histogramHeatmap, spreadHeatmap, stackedTimeseries } from './panels/over-time.ts';
import { heatmapBucketsQuery, instantQuery, prometheusQuery, tableQuery } from './panels/queries.ts';
import { fixedColour, highIsBad, linkStateColours, lowIsBad } from './panels/thresholds.ts';
import { cityVariable, levelVariable } from './variables.ts';

/**
 * Extranet links: the console's view (link states per level, incidents, links beneath a DOWN
 * upstream) beside the agents' measurements (loss, round-trip, jitter, availability). Agents label
 * their series with the link code only (`target`); the recording rules `link:…:labelled`
 * (dashboards/rules/extranet.rules.yml) add the link's level and city from
 * `govops_extranet_link_info`, so `$level` and `$city` filter them.
 */

const levelAndCity = 'class=~"$level", city=~"$city"';
/** One series per link code with its level: joins agent series that are not recorded with labels. */
const linkLevels = `max by (target, class) (govops_extranet_link_info{${levelAndCity}})`;
const topN = 10;

export function linkStatesByLevel() {
  return matrixTable('class', 'state')
    .title('Links per level and state')
    .description(
      'Links per level (rows) and state (columns) as the console counts them now. A link beneath a DOWN link counts ' +
        'once, as affected, rather than as down: only the upstream link is the incident.',
    )
    .unit('short')
    .withTarget(tableQuery('max by (class, state) (govops_extranet_links{class=~"$level"})'));
}

export function linkStatesOverTime() {
  const panel = stackedTimeseries()
    .title('Links per state')
    .description('Links of the selected levels per state over time; the top edge is the number of links.')
    .unit('short')
    .min(0)
    .withTarget(
      prometheusQuery('sum by (state) (max by (class, state) (govops_extranet_links{class=~"$level"}))', '{{state}}'),
    );
  for (const [state, colour] of Object.entries(linkStateColours)) panel.overrideByName(state, fixedColour(colour));
  return panel;
}

export function openIncidents() {
  return defaultStat()
    .title('Open incidents')
    .description('DOWN links with no DOWN link above them: each is one outage to work on, whatever it cuts off.')
    .unit('short')
    .thresholds(highIsBad(1))
    .graphMode(common.BigValueGraphMode.Area)
    .withTarget(instantQuery('max(govops_extranet_incidents)', 'incidents'));
}

export function linksAffectedByUpstream() {
  return defaultTimeseries()
    .title('Links affected by a DOWN upstream link')
    .description(
      'Links per level that sit beneath a DOWN link. Their own alerts are inhibited in Alertmanager: fix the ' +
        'upstream link first.',
    )
    .unit('short')
    .min(0)
    .withTarget(
      prometheusQuery('max by (class) (govops_extranet_links{state="affected", class=~"$level"})', '{{class}}'),
    );
}

export function linkLossHeatmap() {
  return spreadHeatmap('percentunit')
    .title('Packet loss across links')
    .description(
      "Each measured link's loss in its last round, bucketed over time; a cell's colour is how many links had " +
        'that loss. A band rising from 0 % is many links losing packets at once: look upstream.',
    )
    .withTarget(prometheusQuery(`link:extranet_link_loss_ratio:labelled{${levelAndCity}}`, '{{target}}'));
}

export function linkRttHeatmap() {
  return histogramHeatmap('s')
    .title('Round-trip time across links')
    .description(
      'Round-trip times of rounds that got replies (ICMP round trip, TCP connect, HTTP response), from the agents’ ' +
        'histogram: a cell is how many rounds per second fell in that band.',
    )
    .withTarget(
      heatmapBucketsQuery(
        `sum by (le) (rate(extranet_link_rtt_seconds_bucket[$__rate_interval]) * on (target) group_left () ${linkLevels})`,
      ),
    );
}

export function linkJitterHeatmap() {
  return spreadHeatmap('s')
    .title('Jitter across links')
    .description("Each link's jitter (mean difference of consecutive round-trip times) in its last round, bucketed.")
    .withTarget(prometheusQuery(`link:extranet_link_jitter_seconds:labelled{${levelAndCity}}`, '{{target}}'));
}

export function worstLossLinks() {
  return defaultBarGauge()
    .title(`Top ${topN} links by packet loss`)
    .description(
      'Links with the highest average loss over the time range. Above the level’s DEGRADED threshold (right) for 5 ' +
        'minutes, ExtranetLinkDegraded fires.',
    )
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(highIsBad(0.05, 0.01))
    .withTarget(
      instantQuery(
        `topk(${topN}, max by (target, class) (avg_over_time(link:extranet_link_loss_ratio:labelled{${levelAndCity}}[$__range])))`,
        '{{target}} ({{class}})',
      ),
    );
}

export function slowestLinks() {
  return defaultBarGauge()
    .title(`Top ${topN} links by round-trip time`)
    .description('Links with the highest mean round-trip time over the time range (rounds that got replies).')
    .unit('s')
    .min(0)
    .thresholds(highIsBad(0.2, 0.05))
    .withTarget(
      instantQuery(
        `topk(${topN}, sum by (target) (increase(extranet_link_rtt_seconds_sum[$__range])) / sum by (target) (increase(extranet_link_rtt_seconds_count[$__range])) * on (target) group_left (class) ${linkLevels})`,
        '{{target}} ({{class}})',
      ),
    );
}

export function jitteriestLinks() {
  return defaultBarGauge()
    .title(`Top ${topN} links by jitter`)
    .description('Links with the highest average jitter over the time range.')
    .unit('s')
    .min(0)
    .thresholds(highIsBad(0.03, 0.01))
    .withTarget(
      instantQuery(
        `topk(${topN}, max by (target, class) (avg_over_time(link:extranet_link_jitter_seconds:labelled{${levelAndCity}}[$__range])))`,
        '{{target}} ({{class}})',
      ),
    );
}

export function degradedThresholds() {
  return defaultBarGauge()
    .title('DEGRADED loss threshold per level')
    .description(
      'Loss above which a link of that level is DEGRADED (the defaults of core/link-state.ts unless an operator ' +
        'overrode them).',
    )
    .unit('percentunit')
    .min(0)
    .max(1)
    .withTarget(
      instantQuery('max by (class) (govops_extranet_link_loss_ratio_threshold{class=~"$level"})', '{{class}}'),
    );
}

export function degradedRttThresholds() {
  return defaultBarGauge()
    .title('DEGRADED round-trip threshold per level')
    .description('Round-trip time above which a link of that level is DEGRADED.')
    .unit('s')
    .min(0)
    .withTarget(
      instantQuery('max by (class) (govops_extranet_link_rtt_threshold_seconds{class=~"$level"})', '{{class}}'),
    );
}

export function availabilityOverRange() {
  return defaultStat()
    .title('Availability over the range')
    .description(
      'Share of probe rounds that got a reply, over every measured link of the selected levels and cities and the ' +
        'whole time range.',
    )
    .unit('percentunit')
    .decimals(2)
    .thresholds(lowIsBad(0.95, 0.99))
    .withTarget(
      instantQuery(`avg(avg_over_time(link:probe_success:labelled{${levelAndCity}}[$__range]))`, 'availability'),
    );
}

export function availabilityPerLevel() {
  return defaultTimeseries()
    .title('Availability per level')
    .description('Share of probe rounds that got a reply, per link level, over time.')
    .unit('percentunit')
    .min(0)
    .max(1)
    .withTarget(
      prometheusQuery(
        `avg by (class) (avg_over_time(link:probe_success:labelled{${levelAndCity}}[$__rate_interval]))`,
        '{{class}}',
      ),
    );
}

export function leastAvailableLinks() {
  return defaultBarGauge()
    .title(`${topN} least available links`)
    .description(
      'Links with the smallest share of answered rounds over the time range. A link with no reply for 3 rounds is ' +
        'DOWN: ExtranetLinkDown (department links) or ExtranetUpstreamLinkDown (links carrying others) fires.',
    )
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(lowIsBad(0.95, 0.99))
    .withTarget(
      instantQuery(
        `bottomk(${topN}, avg by (target, class) (avg_over_time(link:probe_success:labelled{${levelAndCity}}[$__range])))`,
        '{{target}} ({{class}})',
      ),
    );
}

export function extranetLinksDashboard(): Dashboard {
  return finishDashboard(
    govopsDashboard({
      uid: 'govops-extranet-links',
      title: 'GovOps / Extranet links',
      description:
        'Link states per level, incidents and links beneath a DOWN upstream; loss, round-trip and jitter as heatmaps ' +
        'and top-N; availability.',
      tags: ['extranet'],
    })
      .withVariable(levelVariable())
      .withVariable(cityVariable())
      .withRow(new RowBuilder('State'))
      .withPanel(linkStatesByLevel().height(8).span(10))
      .withPanel(linkStatesOverTime().height(8).span(8))
      .withPanel(openIncidents().height(8).span(6))
      .withPanel(linksAffectedByUpstream().height(8).span(24))
      .withRow(new RowBuilder('Loss, round-trip and jitter'))
      .withPanel(linkLossHeatmap().height(9).span(8))
      .withPanel(linkRttHeatmap().height(9).span(8))
      .withPanel(linkJitterHeatmap().height(9).span(8))
      .withPanel(worstLossLinks().height(9).span(8))
      .withPanel(slowestLinks().height(9).span(8))
      .withPanel(jitteriestLinks().height(9).span(8))
      .withPanel(degradedThresholds().height(6).span(12))
      .withPanel(degradedRttThresholds().height(6).span(12))
      .withRow(new RowBuilder('Availability'))
      .withPanel(availabilityOverRange().height(8).span(6))
      .withPanel(availabilityPerLevel().height(8).span(9))
      .withPanel(leastAvailableLinks().height(8).span(9)),
  );
}
