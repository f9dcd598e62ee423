/**
 * The alerts the console links to from its pages, by area, with the severity their rule gives
 * them (dashboards/rules/<area>.rules.yml; a test keeps the two in step). Which runbooks exist is
 * read from the runbooks directory itself; this list only types the links pages draw and lends
 * the index its severities.
 */
export const knownAlerts = {
  extranet: {
    ExtranetLinkDown: 'warning',
    ExtranetUpstreamLinkDown: 'critical',
    ExtranetLinkDegraded: 'warning',
  },
  agents: {
    AgentSilent: 'warning',
    AgentSpoolGrowing: 'warning',
    AgentResultsDropped: 'critical',
    AgentReportsRejected: 'warning',
  },
  certificates: {
    CertificateExpiringIn30Days: 'warning',
    CertificateExpiringIn7Days: 'critical',
    CertificateExpired: 'critical',
    CertificatesStillOnRsa: 'warning',
  },
  capacity: {
    SiteAllocationNearCeiling: 'warning',
    DepartmentQuotaNearlyUsed: 'warning',
    SiteUsageReadFailing: 'warning',
  },
  dr: {
    DrTargetNotMet: 'warning',
    DrDrillOverdue: 'warning',
    DrReplicationLagAboveRpo: 'critical',
  },
  console: {
    ConsoleDown: 'critical',
    ConsoleHighErrorRate: 'critical',
    ConsoleHighLatency: 'warning',
  },
} as const satisfies Record<string, Record<string, Severity>>;

/** Critical pages someone now; warning waits for working hours; info only informs. */
export type Severity = 'critical' | 'warning' | 'info';

export type AlertArea = keyof typeof knownAlerts;
export type AlertOf<A extends AlertArea> = keyof (typeof knownAlerts)[A] & string;

/** The areas in the order the index shows them: the network first, the console itself last. */
export const alertAreas = Object.keys(knownAlerts) as AlertArea[];

/** The severity of a known alert, or null for a runbook the console does not know of. */
export function severityOf(area: string, alert: string): Severity | null {
  const byAlert = alertsOf(area);
  return Object.hasOwn(byAlert, alert) ? byAlert[alert]! : null;
}

function alertsOf(area: string): Record<string, Severity> {
  return Object.hasOwn(knownAlerts, area) ? (knownAlerts as Record<string, Record<string, Severity>>)[area]! : {};
}

/** The known alerts of an area, in the order the area lists them; none for an unknown area. */
export function knownAlertsOf(area: string): string[] {
  return Object.keys(alertsOf(area));
}
