import type { CertSource } from '../../core/contracts/agent.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { AgentsTable } from '../store/schema.ts';

export const agentStatuses = ['pending', 'active', 'revoked'] as const;
export type AgentStatus = (typeof agentStatuses)[number];
export const agentSorts = ['name', 'status', 'lastSeen', 'version', 'spool', 'dropped'] as const;
export type AgentSort = (typeof agentSorts)[number];

/** An agent as the API and pages show it: its row with site and department names and its link count. */
export type AgentView = {
  id: string;
  name: string;
  site: string | null;
  siteName: string | null;
  department: string | null;
  departmentName: string | null;
  status: AgentStatus;
  /** Pending, and its enrolment token has expired: only a new token brings it in. */
  enrolmentExpired: boolean;
  enrolmentExpiresAt: string | null;
  hostname: string | null;
  version: string | null;
  createdAt: string;
  createdBy: string;
  enrolledAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  lastSeenAt: string | null;
  configRevision: string | null;
  spool: { records: number; bytes: number; droppedTotal: number };
  /** Links this agent measures. */
  links: number;
};

export type AgentDetail = AgentView & { certSources: CertSource[] };

export type AgentRow = AgentsTable & {
  site_name: string | null;
  department_name: string | null;
  link_count: number | null;
};

/** The column each sort orders by. */
export const sortColumn = {
  name: 'agents.name',
  status: 'agents.status',
  lastSeen: 'agents.last_seen_at',
  version: 'agents.version',
  spool: 'agents.spool_records',
  dropped: 'agents.dropped_total',
} as const;

/** Whether a viewer may know of an agent: everyone but department users, who see their own department's. */
export function inScope(viewer: Principal, department: string | null): boolean {
  return !isScoped(viewer) || (viewer.department !== null && viewer.department === department);
}

/** An agent row as the API shows it; never a token or credential hash. */
export function agentView(row: AgentRow, now: Date): AgentView {
  const expiresAt = row.status === 'pending' ? row.enrol_expires_at : null;
  return {
    id: row.id,
    name: row.name,
    site: row.site_code,
    siteName: row.site_name,
    department: row.department_code,
    departmentName: row.department_name,
    status: row.status as AgentStatus,
    enrolmentExpired: expiresAt !== null && Date.parse(expiresAt) <= now.getTime(),
    enrolmentExpiresAt: expiresAt,
    hostname: row.hostname,
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    enrolledAt: row.enrolled_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    lastSeenAt: row.last_seen_at,
    configRevision: row.config_revision,
    spool: {
      records: Number(row.spool_records),
      bytes: Number(row.spool_bytes),
      droppedTotal: Number(row.dropped_total),
    },
    links: Number(row.link_count ?? 0),
  };
}
