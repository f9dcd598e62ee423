import * as common from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { MappingType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { finishDashboard, govopsDashboard } from './dashboard.ts';
import { defaultBarGauge, defaultStat, defaultTable } from './panels/current-values.ts';
import { defaultTimeseries } from './panels/over-time.ts';
import { instantQuery, prometheusQuery, tableQuery } from './panels/queries.ts';
import { highIsBad, lowIsBad } from './panels/thresholds.ts';
import { siteVariable } from './variables.ts';

/**
 * Cloud capacity: what each site has, what the ledger has promised departments, what their
 * namespaces use (read back from the sites' Kubernetes APIs), and the room left. Every series
 * here is derived from the console's store, identical on every replica: queries take the `max`
 * over replicas, never the sum.
 */

const site = 'site=~"$site"';

/** Capacity, allocation (requests and limits) and use of one resource family per site. */
function resourcePerSite(resource: string, byResource: boolean): TimeseriesBuilder {
  const by = byResource ? 'site, resource' : 'site';
  const name = byResource ? '{{site}} {{resource}}' : '{{site}}';
  const selector = `${site}, resource${resource}`;
  return defaultTimeseries()
    .min(0)
    .withTarget(prometheusQuery(`max by (${by}) (govops_site_capacity{${selector}})`, `${name} capacity`))
    .withTarget(
      prometheusQuery(`max by (${by}, side) (govops_site_allocated{${selector}})`, `${name} allocated {{side}}`),
    )
    .withTarget(prometheusQuery(`max by (${by}, side) (govops_site_used{${selector}})`, `${name} used {{side}}`))
    .overrideByRegexp('.* capacity$', [
      { id: 'custom.lineWidth', value: 2 },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    ]);
}

export function cpuPerSite() {
  return resourcePerSite('="cpu"', false)
    .title('CPU per site: capacity, allocated, used')
    .description(
      'Cores per site: physical capacity (dashed), the sum of quotas approved to departments (requests and limits), ' +
        "and what departments' namespaces use as the site's Kubernetes API last reported. Allocation may exceed " +
        'capacity up to the overcommit ratio; see headroom.',
    )
    .unit('short')
    .axisLabel('cores');
}

export function memoryPerSite() {
  return resourcePerSite('="memory"', false)
    .title('Memory per site: capacity, allocated, used')
    .description(
      'Memory per site: physical capacity (dashed), quotas approved to departments (requests and limits) and ' +
        "what departments' namespaces use as last read back.",
    )
    .unit('bytes');
}

export function storagePerSite() {
  return resourcePerSite('=~"storage_.+"', true)
    .title('Storage per site and class: capacity, allocated, used')
    .description(
      'Storage per site and storage class (ssd, hdd…): capacity (dashed), requests approved to departments and ' +
        'what their persistent volume claims request as last read back.',
    )
    .unit('bytes');
}

export function headroomPerSite() {
  return defaultBarGauge()
    .title('Headroom per site, resource and side')
    .description(
      'Share of what a site may promise (capacity × overcommit ratio) not yet approved to departments. Red below ' +
        '10 %: the SiteAllocationNearCeiling alert fires and new quota requests there will be refused.',
    )
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(lowIsBad(0.1, 0.25))
    .withTarget(
      instantQuery(
        `max by (site, resource, side) (govops_site_headroom_ratio{${site}})`,
        '{{site}} {{resource}} {{side}}',
      ),
    );
}

export function lowestHeadroomOverTime() {
  return defaultTimeseries()
    .title('Lowest headroom per site')
    .description(
      "Each site's tightest resource over time: the smallest headroom over its resources and sides. A fall shows " +
        'when approvals ate into the ceiling.',
    )
    .unit('percentunit')
    .min(0)
    .max(1)
    .thresholds(lowIsBad(0.1, 0.25))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .withTarget(
      prometheusQuery(`min by (site) (max without (instance) (govops_site_headroom_ratio{${site}}))`, '{{site}}'),
    );
}

export function topDepartmentsByUsedRatio() {
  return defaultTable()
    .title('Top 20 departments by share of quota used')
    .description(
      'Departments whose namespaces use the largest share of their quota (used / hard) on a site, per resource and ' +
        'side. Above 90 % for 30 minutes the DepartmentQuotaNearlyUsed alert fires: the department needs a larger ' +
        'quota or must release resources.',
    )
    .unit('percentunit')
    .thresholds(highIsBad(0.9, 0.75))
    .cellOptions({ type: common.TableCellDisplayMode.ColorText })
    .withTarget(
      tableQuery(`topk(20, max by (site, department, resource, side) (govops_department_quota_used_ratio{${site}}))`),
    );
}

export function usageReadBackPerSite() {
  return defaultStat()
    .title('Usage read-back per site')
    .description(
      "Whether the console's last read of each site's Kubernetes API succeeded. FAILING for 15 minutes fires " +
        'SiteUsageReadFailing; the used figures above then stay at their last known values.',
    )
    .unit('bool')
    .mappings([
      {
        type: MappingType.ValueToText,
        options: { '1': { text: 'read', color: 'green' }, '0': { text: 'FAILING', color: 'red' } },
      },
    ])
    .withTarget(instantQuery(`max by (site) (govops_site_usage_read_success{${site}})`, '{{site}}'));
}

export function timeSinceUsageRead() {
  return defaultTimeseries()
    .title('Time since the last successful usage read')
    .description(
      "Age of each site's used figures: time since its Kubernetes API was last read successfully. It should stay " +
        'near the poll interval; past 15 minutes the figures are stale.',
    )
    .unit('s')
    .min(0)
    .thresholds(highIsBad(900, 300))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
    .withTarget(
      prometheusQuery(`time() - max by (site) (govops_site_usage_last_success_timestamp_seconds{${site}})`, '{{site}}'),
    );
}

export function cloudCapacityDashboard(): Dashboard {
  return finishDashboard(
    govopsDashboard({
      uid: 'govops-cloud-capacity',
      title: 'GovOps / Cloud capacity',
      description:
        'Per site capacity, allocation, use and headroom; departments closest to their quota; usage read-back.',
      tags: ['capacity'],
    })
      .withVariable(siteVariable('govops_site_capacity'))
      .withRow(new RowBuilder('Capacity, allocation and use per site'))
      .withPanel(cpuPerSite().height(9).span(8))
      .withPanel(memoryPerSite().height(9).span(8))
      .withPanel(storagePerSite().height(9).span(8))
      .withPanel(headroomPerSite().height(10).span(12))
      .withPanel(lowestHeadroomOverTime().height(10).span(12))
      .withRow(new RowBuilder('Departments'))
      .withPanel(topDepartmentsByUsedRatio().height(10).span(24))
      .withRow(new RowBuilder('Usage read-back'))
      .withPanel(usageReadBackPerSite().height(6).span(8))
      .withPanel(timeSinceUsageRead().height(6).span(16)),
  );
}
