import * as common from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';

/**
 * Panels that show where things stand at the end of the time range: big numbers, bars and
 * tables. Their queries are instant ones (see queries.ts).
 */

/** One big number per series, coloured by thresholds, with a sparkline. */
export function defaultStat(): StatBuilder {
  return new StatBuilder()
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .orientation(common.VizOrientation.Auto);
}

/** Horizontal bars, one per series, for rankings (top-N) and shares. */
export function defaultBarGauge(): BarGaugeBuilder {
  return new BarGaugeBuilder()
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true)
    .minVizHeight(16)
    .maxVizHeight(24);
}

/**
 * A table of an instant query's series, one row each, sorted on one column (the value, biggest
 * first, unless told otherwise) and without the columns in `hide` (the query's timestamp).
 */
export function defaultTable({
  sortBy = 'Value',
  descending = true,
  hide = ['Time'],
}: { sortBy?: string; descending?: boolean; hide?: string[] } = {}): TableBuilder {
  return new TableBuilder()
    .cellHeight(common.TableCellHeight.Sm)
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(sortBy).desc(descending)])
    .withTransformation({ id: 'organize', options: { excludeByName: Object.fromEntries(hide.map((c) => [c, true])) } });
}

/**
 * A table with one row per `rowLabel` and one column per `columnLabel` (levels × states, waves ×
 * states), from an instant query that returns one series per pair.
 */
export function matrixTable(rowLabel: string, columnLabel: string): TableBuilder {
  return new TableBuilder().cellHeight(common.TableCellHeight.Sm).withTransformation({
    id: 'groupingToMatrix',
    options: { rowField: rowLabel, columnField: columnLabel, valueField: 'Value' },
  });
}
