import type { Allocation } from '../../core/capacity.ts';
import type { QuotaRequestStatus, QuotaRequestsTable } from '../store/schema.ts';

/** A quota request as the API and pages show it; amounts are exact base units. */
export type QuotaRequestView = {
  id: string;
  department: string;
  departmentName: string;
  site: string;
  kind: 'new' | 'change';
  status: QuotaRequestStatus;
  justification: string;
  requested: Allocation;
  approved: Allocation | null;
  reason: string | null;
  requestedBy: string;
  decidedBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};

export type QuotaRequestEvent = {
  seq: number;
  at: string;
  actor: string;
  action: string;
  note: string | null;
  amounts: Allocation | null;
};

export function requestView(row: QuotaRequestsTable & { department_name: string }): QuotaRequestView {
  return {
    id: row.id,
    department: row.department_code,
    departmentName: row.department_name,
    site: row.site_code,
    kind: row.kind,
    status: row.status,
    justification: row.justification,
    requested: JSON.parse(row.requested) as Allocation,
    approved: row.approved === null ? null : (JSON.parse(row.approved) as Allocation),
    reason: row.reason,
    requestedBy: row.requested_by,
    decidedBy: row.decided_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The states a request is still being worked in; one per department and site at a time. */
export const openStatuses: QuotaRequestStatus[] = ['pending', 'returned'];
