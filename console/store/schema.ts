import type { Generated } from 'kysely';
import type {
  DrillResult,
  HostingKind,
  MilestoneKind,
  MilestoneStatus,
  ProtectionState,
  ReplicationMode,
  SiteStatus,
  SystemNetwork,
} from '../../core/dr.ts';
import type { MigrationState, MigrationStrategy } from '../../core/migration-lifecycle.ts';
import type { DepartmentLevel, RegionKind, SiteRole } from '../../core/org.ts';
import type { Role } from '../../core/roles.ts';

/**
 * The store's tables as Kysely sees them. Timestamps are ISO-8601 strings in UTC on both
 * backends (so SQLite and PostgreSQL return the same values); flags are 0/1 integers.
 */
export type Database = {
  regions: RegionsTable;
  departments: DepartmentsTable;
  sites: SitesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  settings: SettingsTable;
  site_ledgers: SiteLedgersTable;
  site_resources: SiteResourcesTable;
  quotas: QuotasTable;
  quota_amounts: QuotaAmountsTable;
  quota_requests: QuotaRequestsTable;
  quota_request_events: QuotaRequestEventsTable;
  provisioning_state: ProvisioningStateTable;
  site_observations: SiteObservationsTable;
  namespace_usage: NamespaceUsageTable;
  job_leases: JobLeasesTable;
  agents: AgentsTable;
  agent_cert_sources: AgentCertSourcesTable;
  trust_anchors: TrustAnchorsTable;
  links: LinksTable;
  link_class_thresholds: LinkClassThresholdsTable;
  link_status: LinkStatusTable;
  link_rounds: LinkRoundsTable;
  link_events: LinkEventsTable;
  report_batches: ReportBatchesTable;
  certificates: CertificatesTable;
  certificate_sightings: CertificateSightingsTable;
  ra_certificates: RaCertificatesTable;
  systems: SystemsTable;
  system_dependencies: SystemDependenciesTable;
  waves: WavesTable;
  migration_requests: MigrationRequestsTable;
  migration_events: MigrationEventsTable;
  site_milestones: SiteMilestonesTable;
  dr_protections: DrProtectionsTable;
  dr_drills: DrDrillsTable;
  system_follow_ups: SystemFollowUpsTable;
  dr_levels: DrLevelsTable;
};

export type RegionsTable = { code: string; name: string; kind: RegionKind; parent_code: string | null };

export type DepartmentsTable = {
  code: string;
  name: string;
  level: DepartmentLevel;
  region_code: string;
  demo: number;
  created_at: string;
  updated_at: string;
};

export type SitesTable = {
  code: string;
  name: string;
  role: SiteRole;
  region_code: string;
  demo: number;
  /** Construction status of a DR site (0006); existing sites are operational. */
  status: Generated<SiteStatus>;
};

export type UsersTable = {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  /** Last accepted TOTP time step, so a code cannot be replayed within its window. */
  totp_last_step: number | null;
  department_code: string | null;
  failed_logins: number;
  locked_until: string | null;
  disabled: number;
  created_at: string;
  password_changed_at: string;
};

export type UserRolesTable = { user_id: string; role: Role };

export type SessionsTable = {
  id_hash: string;
  user_id: string;
  /** 'password' → second factor awaited; 'enrol' → TOTP enrolment awaited; 'active' → signed in. */
  stage: 'password' | 'enrol' | 'active';
  csrf_token: string;
  pending_totp_secret: string | null;
  created_at: string;
  last_seen_at: string;
};

export type ApiTokensTable = {
  id: string;
  name: string;
  token_hash: string;
  role: Role;
  department_code: string | null;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
};

export type AuditLogTable = {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  source: string;
  detail: string;
  prev_hash: string;
  hash: string;
};

export type AuditHeadTable = { id: number; seq: number; hash: string };

export type SettingsTable = { key: string; value: string };

export type SiteLedgersTable = { site_code: string; version: number; updated_at: string; updated_by: string };

/** `resource` is a ledger key: cpu (millicores), memory and storage:<class> (bytes), gpu (count). */
export type SiteResourcesTable = {
  site_code: string;
  resource: string;
  capacity: number;
  requests_ratio_pct: number;
  limits_ratio_pct: number;
};

export type QuotasTable = {
  department_code: string;
  site_code: string;
  namespace: string;
  request_id: string;
  approved_at: string;
  approved_by: string;
};

export type QuotaAmountsTable = {
  department_code: string;
  site_code: string;
  resource: string;
  requests: number;
  limits: number;
};

export type QuotaRequestStatus = 'pending' | 'returned' | 'approved' | 'rejected' | 'withdrawn';

/** `requested` and `approved` are JSON allocations (resource key → {requests, limits}). */
export type QuotaRequestsTable = {
  id: string;
  department_code: string;
  site_code: string;
  kind: 'new' | 'change';
  status: QuotaRequestStatus;
  justification: string;
  requested: string;
  approved: string | null;
  reason: string | null;
  requested_by: string;
  requested_by_id: string;
  decided_by: string | null;
  created_at: string;
  updated_at: string;
  version: number;
};

export type QuotaRequestEventsTable = {
  request_id: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  note: string | null;
  amounts: string | null;
};

export type ProvisioningStateTable = { id: number; revision: number; changed_at: string };

/** `status`: ok | unauthorized | forbidden | unreachable | timeout | error; `allocatable` is JSON. */
export type SiteObservationsTable = {
  site_code: string;
  status: string;
  message: string;
  observed_at: string;
  last_success_at: string | null;
  allocatable: string | null;
};

/** One ResourceQuota key of one namespace as the cluster last reported it, in exact base units. */
export type NamespaceUsageTable = {
  site_code: string;
  namespace: string;
  quota_key: string;
  hard: number | null;
  used: number | null;
  observed_at: string;
};

export type JobLeasesTable = { name: string; holder: string; expires_at: string };

export type AgentsTable = {
  id: string;
  name: string;
  site_code: string | null;
  department_code: string | null;
  /** pending (enrolment token issued), active (credential issued), revoked */
  status: string;
  enrol_token_hash: string | null;
  enrol_expires_at: string | null;
  credential_hash: string | null;
  hostname: string | null;
  version: string | null;
  created_at: string;
  created_by: string;
  enrolled_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  last_seen_at: string | null;
  config_revision: string | null;
  spool_records: number;
  spool_bytes: number;
  dropped_total: number;
};

export type AgentCertSourcesTable = { agent_id: string; source_id: string; spec: string; updated_at: string };

export type TrustAnchorsTable = { fingerprint: string; name: string; pem: string; added_at: string; added_by: string };

export type LinksTable = {
  code: string;
  name: string;
  /** backbone, city, county or department: picks the thresholds */
  link_class: string;
  parent_code: string | null;
  region_code: string | null;
  department_code: string | null;
  agent_id: string | null;
  /** JSON: the contract's Target without its id */
  probe: string;
  interval_seconds: number;
  demo: number;
  created_at: string;
  updated_at: string;
};

export type LinkClassThresholdsTable = {
  link_class: string;
  thresholds: string;
  updated_at: string;
  updated_by: string;
};

export type LinkStatusTable = {
  link_code: string;
  state: string;
  failed_streak: number;
  good_streak: number;
  since: string;
  last_round_at: string | null;
  loss_ratio: number | null;
  rtt_avg_ms: number | null;
  jitter_ms: number | null;
  error: string | null;
};

export type LinkRoundsTable = {
  link_code: string;
  started_at: string;
  agent_id: string;
  sent: number;
  received: number;
  loss_ratio: number;
  rtt_min_ms: number | null;
  rtt_avg_ms: number | null;
  rtt_max_ms: number | null;
  rtt_mdev_ms: number | null;
  jitter_ms: number | null;
  http_status: number | null;
  /** JSON of the HTTP phase timings */
  phases: string | null;
  error: string | null;
};

export type LinkEventsTable = {
  link_code: string;
  at: string;
  from_state: string;
  to_state: string;
  reason_code: string;
};

export type ReportBatchesTable = {
  batch_id: string;
  agent_id: string;
  received_at: string;
  rounds: number;
  certificates: number;
};

export type CertificatesTable = {
  fingerprint: string;
  /** null for personal certificates */
  subject: string | null;
  common_name: string | null;
  issuer: string;
  serial: string;
  not_before: string;
  not_after: string;
  key_algorithm: string;
  key_size: number | null;
  curve: string | null;
  signature_algorithm: string;
  /** sm2, rsa, ecdsa or other (core/cert-windows.ts) */
  algorithm_family: string;
  /** JSON array */
  sans: string;
  is_ca: number;
  personal: number;
  department_code: string | null;
  chain_verified: number | null;
  /** JSON array of chain problems */
  chain_problems: string;
  first_seen_at: string;
  last_seen_at: string;
};

export type CertificateSightingsTable = {
  fingerprint: string;
  agent_id: string;
  source_id: string;
  location: string;
  position: number;
  chain_verified: number;
  chain_problems: string;
  last_seen_at: string;
};

export type RaCertificatesTable = {
  serial: string;
  common_name: string | null;
  department_code: string | null;
  /** personal or server */
  holder_kind: string;
  algorithm_family: string;
  not_before: string;
  not_after: string;
  /** issued or revoked */
  status: string;
  imported_at: string;
};

// ---- department systems, migration and disaster recovery (0006) ----

export type SystemsTable = {
  code: string;
  name: string;
  department_code: string;
  description: string;
  mlps_level: number | null;
  network: SystemNetwork;
  hosting: HostingKind;
  hosting_site_code: string | null;
  data_volume_gib: number;
  rpo_seconds: number | null;
  rto_seconds: number | null;
  target_dr_level: number | null;
  version: number;
  demo: number;
  created_at: string;
  updated_at: string;
};

export type SystemDependenciesTable = { system_code: string; depends_on_code: string };

export type WavesTable = {
  code: string;
  name: string;
  position: number;
  window_start: string | null;
  window_end: string | null;
  notes: string;
  created_at: string;
  updated_at: string;
};

export type MigrationRequestsTable = {
  id: string;
  system_code: string;
  department_code: string;
  state: MigrationState;
  held_from: MigrationState | null;
  justification: string;
  target_site_code: string | null;
  strategy: MigrationStrategy | null;
  readiness: string | null;
  /** JSON Allocation (core/capacity.ts) */
  sizing: string | null;
  quota_request_id: string | null;
  wave_code: string | null;
  cutover_start: string | null;
  cutover_end: string | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
};

export type MigrationEventsTable = {
  request_id: string;
  seq: number;
  at: string;
  actor: string;
  from_state: MigrationState | null;
  to_state: MigrationState;
  comment: string;
};

export type SiteMilestonesTable = {
  site_code: string;
  kind: MilestoneKind;
  status: MilestoneStatus;
  document_no: string | null;
  /** YYYY-MM-DD */
  decided_on: string | null;
  note: string;
  updated_at: string;
  updated_by: string;
};

export type DrProtectionsTable = {
  system_code: string;
  site_code: string;
  mode: ReplicationMode;
  state: ProtectionState;
  lag_seconds: number | null;
  last_recovery_point: string | null;
  achieved_level: number | null;
  version: number;
  updated_at: string;
  updated_by: string;
};

export type DrDrillsTable = {
  id: string;
  system_code: string;
  site_code: string;
  /** YYYY-MM-DD */
  planned_on: string;
  executed_at: string | null;
  result: DrillResult | null;
  measured_rto_seconds: number | null;
  measured_rpo_seconds: number | null;
  evidence: string;
  /** JSON array of references (document numbers, URLs) */
  attachments: string;
  cleanup_confirmed: number;
  created_at: string;
  created_by: string;
  updated_at: string;
};

export type SystemFollowUpsTable = {
  id: string;
  system_code: string;
  drill_id: string | null;
  text: string;
  status: 'open' | 'closed';
  created_at: string;
  created_by: string;
  closed_at: string | null;
  closed_by: string | null;
};

export type DrLevelsTable = {
  level: number;
  name_en: string;
  name_zh: string;
  rto_text: string;
  rpo_text: string;
  rto_max_seconds: number;
  rpo_max_seconds: number;
  needs_real_time: number;
  updated_at: string;
  updated_by: string;
};
