import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { prometheusDatasource } from '../datasource.ts';

/**
 * Prometheus queries as the panels need them. Reference ids (A, B, …) are given when the
 * dashboard is finished (see `finishDashboard`), so a panel's queries are written in the order
 * they are read.
 */

/** A range query drawn over time, one series per legend. */
export function prometheusQuery(expr: string, legend = '__auto'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(prometheusDatasource).expr(expr).legendFormat(legend).range();
}

/** The value at the end of the time range: stats, bar gauges. */
export function instantQuery(expr: string, legend = '__auto'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(prometheusDatasource).expr(expr).legendFormat(legend).instant();
}

/** One row per series, its labels as columns, at the end of the time range. */
export function tableQuery(expr: string): DataqueryBuilder {
  return new DataqueryBuilder().datasource(prometheusDatasource).expr(expr).format(PromQueryFormat.Table).instant();
}

/** Histogram buckets (`sum by (le) (rate(…_bucket[…]))`) laid out for a heatmap, one row per bucket. */
export function heatmapBucketsQuery(expr: string): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(prometheusDatasource)
    .expr(expr)
    .format(PromQueryFormat.Heatmap)
    .legendFormat('{{le}}')
    .range();
}
