import * as common from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { finishDashboard, govopsDashboard } from './dashboard.ts';
import { defaultBarGauge, defaultStat, defaultTable, matrixTable } from './panels/current-values.ts';
import { stackedTimeseries } from './panels/over-time.ts';
import { instantQuery, prometheusQuery, tableQuery } from './panels/queries.ts';
import { fixedColour, highIsBad } from './panels/thresholds.ts';
import { siteVariable } from './variables.ts';

/**
 * Department systems moving onto the cloud and their disaster recovery: systems per migration
 * state, the waves that carry them and how each wave is doing, DR protections per DR site, and
 * the systems the DR rules flag. All counted in the console's store at scrape time (the same
 * figures on every replica, so `max` over replicas).
 */

const healthColours: Record<string, string> = { healthy: 'green', lagging: 'orange', error: 'red' };
const flagTitles: Record<string, string> = {
  target_not_met: 'target not met',
  drill_overdue: 'drill overdue',
  lag_above_rpo: 'lag above RPO',
};

export function systemsPerMigrationState() {
  return defaultBarGauge()
    .title('Systems per migration state')
    .description(
      'Department systems by the state of their current migration request (the one being worked, else the newest ' +
        'that ended); none: no request was ever made.',
    )
    .unit('short')
    .min(0)
    .withTarget(instantQuery('max by (state) (govops_migration_systems)', '{{state}}'));
}

export function requestsPerWaveAndState() {
  return matrixTable('wave', 'state')
    .title('Migration requests per wave and state')
    .description('Each wave (rows) with its migration requests per lifecycle state (columns).')
    .unit('short')
    .withTarget(tableQuery('max by (wave, state) (govops_migration_wave_requests)'));
}

export function wavesPerHealth() {
  const panel = defaultStat()
    .title('Waves per health')
    .description(
      'Waves that are healthy, lagging behind their plan, or holding a request in error. The table beside says which.',
    )
    .unit('short')
    .withTarget(instantQuery('sum by (health) (max by (wave, health) (govops_migration_wave_health))', '{{health}}'));
  for (const [health, colour] of Object.entries(healthColours)) panel.overrideByName(health, fixedColour(colour));
  return panel;
}

export function waveHealth() {
  return defaultTable({ sortBy: 'wave', descending: false, hide: ['Time', 'Value'] })
    .title('Health of each wave')
    .description('Every wave with its current health: healthy, lagging or error.')
    .unit('none')
    .withTarget(tableQuery('max by (wave, health) (govops_migration_wave_health) == 1'));
}

export function drProtectionsPerSiteAndState() {
  return matrixTable('site', 'state')
    .title('DR protections per site and state')
    .description('Systems protected at each DR site (rows) per protection state (columns).')
    .unit('short')
    .withTarget(tableQuery('max by (site, state) (govops_dr_protections{site=~"$site"})'));
}

export function flaggedSystems() {
  const panel = defaultStat()
    .title('Systems flagged by the DR rules')
    .description(
      'Systems whose achieved DR level is below their target (DrTargetNotMet), with no passed drill in the ' +
        'configured period (DrDrillOverdue), or whose replication lag exceeds their RPO (DrReplicationLagAboveRpo). ' +
        'Any of them above zero fires its alert.',
    )
    .unit('short')
    .thresholds(highIsBad(1))
    .graphMode(common.BigValueGraphMode.Area)
    .withTarget(instantQuery('max by (flag) (govops_dr_systems_flagged)', '{{flag}}'));
  for (const [flag, title] of Object.entries(flagTitles))
    panel.overrideByName(flag, [{ id: 'displayName', value: title }]);
  return panel;
}

export function flaggedSystemsOverTime() {
  const panel = stackedTimeseries()
    .title('Flagged systems over time')
    .description('The same three flags over time: whether drills and replication fixes are catching up.')
    .unit('short')
    .min(0)
    .withTarget(prometheusQuery('max by (flag) (govops_dr_systems_flagged)', '{{flag}}'));
  for (const [flag, title] of Object.entries(flagTitles))
    panel.overrideByName(flag, [{ id: 'displayName', value: title }]);
  return panel;
}

export function migrationDrDashboard(): Dashboard {
  return finishDashboard(
    govopsDashboard({
      uid: 'govops-migration-dr',
      title: 'GovOps / Migration and DR',
      description:
        'Systems per migration state, migration waves and their health, DR protections per site, and systems flagged ' +
        'target not met, drill overdue or lag above RPO.',
      tags: ['migration', 'dr'],
    })
      .withVariable(siteVariable('govops_dr_protections'))
      .withRow(new RowBuilder('Migration'))
      .withPanel(systemsPerMigrationState().height(12).span(10))
      .withPanel(requestsPerWaveAndState().height(12).span(14))
      .withPanel(wavesPerHealth().height(6).span(10))
      .withPanel(waveHealth().height(6).span(14))
      .withRow(new RowBuilder('Disaster recovery'))
      .withPanel(drProtectionsPerSiteAndState().height(8).span(12))
      .withPanel(flaggedSystems().height(8).span(12))
      .withPanel(flaggedSystemsOverTime().height(8).span(24)),
  );
}
