import type { ReviewRule } from './metric-review.ts';

/**
 * What the metric review (metric-review.ts) accepts: the labels whose values are known to be
 * bounded, and the few names kept against the conventions on purpose. Adding to either list is a
 * decision: say in the comment why the label's values cannot grow without limit, or why the name
 * must stay as it is.
 *
 * The labels and their values are judged on the series present when the review runs (the test
 * review reads a demo console and a working agent): a family with no series then is checked for
 * its name only, and a free-text label (an agent's name, a certificate source, a server
 * certificate's CN) could still carry a person's name that no pattern recognises. Keep such
 * labels to what operators configure for machines, never to what describes people.
 */

/** Every label the console or an agent may put on a series, each with why its values are bounded. */
export const allowedLabels: ReadonlySet<string> = new Set([
  // --- HTTP requests to the console
  'route', // the route template ('/api/v1/departments/:code'), never the raw path
  'method', // HTTP methods
  'status_class', // 1xx … 5xx

  // --- capacity
  'site', // site codes: a handful of production and DR sites
  'resource', // cpu, memory, gpu, pods, storage_<class>: the storage classes an operator defines
  'side', // requests or limits
  'department', // department codes (never names): the province's org chart, about 3,200 in the demo

  // --- extranet links and the agents that measure them
  'target', // a link code or an agent's own target id: one per measured link (3,317 in the demo)
  'kind', // probe kind (icmp, tcp, http); Node's GC kind (major, minor, incremental, weakcb)
  'phase', // probe phases: rtt; resolve, connect, tls, processing, transfer
  'class', // link level: backbone, city, county, department
  'state', // link, migration and DR protection states: fixed enumerations
  'city', // a city's region code: 16 in the demo province
  'backbone_link', // the code of an upstream link: one backbone …
  'city_link', // … one link per city …
  'county_link', // … one link per county
  'agent', // an enrolled agent's name, chosen by an operator: one per deployed agent
  'outcome', // what became of an agent's report: stored, duplicate, forbidden, invalid

  // --- certificates
  'window', // expiry windows: expired, 7d, 30d, valid
  'family', // key algorithm families: sm2, rsa, ecdsa, other
  'algorithm', // the same four families, on the agents' series
  'source', // a certificate source id configured on an agent
  'fingerprint', // a server certificate on a configured source (personal certificates are only counted)
  'subject_cn', // that server certificate's common name: a host name, never a person's
  'issuer_cn', // the CA that issued it

  // --- migration and DR
  'wave', // migration wave codes: a handful in a plan
  'health', // a wave's health: healthy, lagging, error
  'flag', // DR flags: target_not_met, drill_overdue, lag_above_rpo

  // --- build and configuration facts: one value per running process
  'version', // agent version; Node.js version (nodejs_version_info)
  'node_version', // Node.js version on agent_build_info
  'major', // nodejs_version_info's parts of the Node.js version
  'minor',
  'patch',
  'revision', // the agent's configuration revision: one series, replaced when it changes
  'space', // V8 heap spaces (prom-client's nodejs_heap_space_size_*): about ten

  // --- Prometheus' own
  'le', // histogram bucket bounds: fixed per histogram
  'quantile', // summary quantiles: fixed per summary
]);

export type ReviewException = {
  /** A family name, or a pattern for families named alike (with and without the console's prefix). */
  family: string | RegExp;
  rule: ReviewRule;
  /** For label rules: the one label excused. */
  label?: string;
  reason: string;
};

const capacityUnitFamilies = /^govops_site_(capacity|allocated|used|allocatable)$/;

/** Names kept against the conventions on purpose, each with its reason. */
export const reviewExceptions: readonly ReviewException[] = [
  {
    family: 'probe_ssl_earliest_cert_expiry',
    rule: 'timestamp_not_in_seconds',
    reason:
      'blackbox_exporter’s name (Unix seconds, without the suffix): dashboards and alert rules written for ' +
      'blackbox_exporter work on the agents unchanged.',
  },
  {
    family: capacityUnitFamilies,
    rule: 'label_not_allowed',
    label: 'unit',
    reason:
      'kube-state-metrics style (kube_node_status_allocatable{resource,unit}): one family holds CPU in cores, ' +
      'memory and storage in bytes and GPUs as counts, so the base unit of each series is in a unit label ' +
      '(core, byte, integer) rather than in the name.',
  },
  {
    family: /^(govops_)?nodejs_active_(handles|resources)$/,
    rule: 'label_not_allowed',
    label: 'type',
    reason:
      'prom-client’s default Node.js metrics: type is the kind of libuv handle or resource (TCPWrap, Timeout, …), ' +
      'a few dozen fixed by Node.js itself.',
  },
  {
    family: /^(govops_)?nodejs_active_(handles|requests|resources)_total$/,
    rule: 'total_on_non_counter',
    reason:
      'prom-client’s default Node.js metrics: gauges whose _total means "over all kinds"; renaming them would ' +
      'break the stock Node.js dashboards that read them.',
  },
];
