import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * The one Prometheus every panel and variable reads. Its uid is fixed so the generated JSON works
 * as provisioned: `dashboards/provisioning/datasources/govops.yml` creates a datasource with this
 * uid in the operator's Grafana, and the dashboards need no datasource picker.
 */
export const prometheusUid = 'govops-prometheus';

export const prometheusDatasource: DataSourceRef = { type: 'prometheus', uid: prometheusUid };
