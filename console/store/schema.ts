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

export type SitesTable = { code: string; name: string; role: SiteRole; region_code: string; demo: number };

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
