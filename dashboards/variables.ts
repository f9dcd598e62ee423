import {
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
  type VariableOption,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { prometheusDatasource } from './datasource.ts';

/**
 * The dashboards' filters. Each lists the values one metric carries (`label_values(metric, label)`)
 * and offers "All" as `.*`, so queries filter with `label=~"$name"` and, with All selected, also
 * keep series that lack the label (a backbone link has no city).
 */

const all: VariableOption = { selected: true, text: 'All', value: '$__all' };

function labelValuesVariable(v: {
  name: string;
  title: string;
  metric: string;
  label: string;
  description: string;
}): QueryVariableBuilder {
  const query = `label_values(${v.metric}, ${v.label})`;
  return new QueryVariableBuilder(v.name)
    .label(v.title)
    .description(v.description)
    .datasource(prometheusDatasource)
    .query(query)
    .definition(query)
    .current(all)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/** Cloud sites by code, listed from the metric the dashboard's site series come from. */
export function siteVariable(metric: string): QueryVariableBuilder {
  return labelValuesVariable({
    name: 'site',
    title: 'Site',
    metric,
    label: 'site',
    description: 'Cloud site (code). All: every site.',
  });
}

/** Link level, the links' `class` label: backbone, city, county or department. */
export function levelVariable(): QueryVariableBuilder {
  return labelValuesVariable({
    name: 'level',
    title: 'Level',
    metric: 'govops_extranet_links',
    label: 'class',
    description: 'Extranet link level (class): backbone, city, county, department. All: every level.',
  });
}

/** City region codes of the links; the backbone and provincial links carry none. */
export function cityVariable(): QueryVariableBuilder {
  return labelValuesVariable({
    name: 'city',
    title: 'City',
    metric: 'govops_extranet_link_info',
    label: 'city',
    description:
      'City (region code) a link serves. All also shows the backbone and provincial links, which have no city.',
  });
}
