import * as common from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as HeatmapBuilder } from '@grafana/grafana-foundation-sdk/heatmap';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * Panels that show how figures moved over the dashboard's time range: lines, stacked areas and
 * heatmaps. Each dashboard's factories start from these and add a title, a description, a unit
 * and their queries.
 */

/** Lines with a legend table (last and max), tooltips listing every series. */
export function defaultTimeseries(): TimeseriesBuilder {
  return new TimeseriesBuilder()
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    );
}

/** Parts of a whole (links per state, systems per flag) stacked, so the top edge is the total. */
export function stackedTimeseries(): TimeseriesBuilder {
  return defaultTimeseries()
    .fillOpacity(60)
    .lineWidth(0)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
}

/**
 * A heatmap of a Prometheus histogram: the query already yields one series per bucket (`le`),
 * so Grafana draws the buckets as they are.
 */
export function histogramHeatmap(unit: string): HeatmapBuilder {
  return new HeatmapBuilder()
    .unit(unit)
    .calculate(false)
    .yAxis(new heatmap.YAxisConfigBuilder().unit(unit))
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges').steps(64))
    .cellValues(new heatmap.CellValuesBuilder().unit('short'));
}

/**
 * A heatmap of one gauge across many series (one per link): Grafana sorts each moment's values
 * into buckets, and a cell's colour is how many links fell into it.
 */
export function spreadHeatmap(unit: string): HeatmapBuilder {
  return new HeatmapBuilder()
    .unit(unit)
    .calculate(true)
    .calculation(
      new common.HeatmapCalculationOptionsBuilder().yBuckets(
        new common.HeatmapCalculationBucketConfigBuilder().mode(common.HeatmapCalculationMode.Count).value('20'),
      ),
    )
    .yAxis(new heatmap.YAxisConfigBuilder().unit(unit).min(0))
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges').steps(64))
    .cellValues(new heatmap.CellValuesBuilder().unit('short'));
}
