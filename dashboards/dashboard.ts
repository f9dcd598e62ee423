import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  type Dashboard,
  type Panel,
  type RowPanel,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** Tag shared by the five dashboards: the links bar lists them all. */
export const govopsTag = 'govops';

/**
 * What every GovOps dashboard has in common: the tag and the link bar to its siblings, a refresh
 * that suits 15 s scrapes and 30 s probe rounds, the last six hours, and a crosshair shared
 * across panels so a spike can be followed from one panel to the next.
 */
export function govopsDashboard({
  uid,
  title,
  description,
  tags,
}: {
  uid: string;
  title: string;
  description: string;
  tags: string[];
}): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([govopsTag, ...tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .link(
      new DashboardLinkBuilder('GovOps dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([govopsTag])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    );
}

/**
 * Builds the dashboard and numbers what Grafana expects numbered: panel ids (unique within the
 * dashboard, for links to one panel) and query reference ids (A, B, … within a panel). The SDK
 * leaves both to the caller; numbering them here keeps the generated JSON stable.
 */
export function finishDashboard(builder: DashboardBuilder): Dashboard {
  const dashboard = builder.build();
  let id = 0;
  const number = (panel: Panel | RowPanel) => {
    panel.id = ++id;
    if ('targets' in panel) {
      // Every query type Grafana knows has a refId; the SDK's generic query type does not say so.
      panel.targets?.forEach((target, i) => {
        (target as { refId?: string }).refId = String.fromCharCode(65 + i);
      });
    }
    if (panel.type === 'row') (panel as RowPanel).panels.forEach(number);
  };
  dashboard.panels?.forEach(number);
  return dashboard;
}
