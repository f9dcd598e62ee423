import { NotFound } from '../../core/errors.ts';
import type { LinkProbe } from '../../core/demo-extranet.ts';
import { type LinkClass, type LinkState, linkClasses } from '../../core/link-state.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { asLinkState } from './link-tracking-store.ts';

/** A link as the API and pages show it: its definition, its state, and what explains it. */
export type LinkView = {
  code: string;
  name: string;
  class: LinkClass;
  parent: string | null;
  region: string | null;
  regionName: string | null;
  department: string | null;
  departmentName: string | null;
  agent: string | null;
  agentName: string | null;
  probe: LinkProbe;
  demo: boolean;
  createdAt: string;
  updatedAt: string;
  state: LinkState;
  /** When the current state began. */
  since: string;
  lastRoundAt: string | null;
  /** Figures of the newest round. */
  lossRatio: number | null;
  rttAvgMs: number | null;
  jitterMs: number | null;
  error: string | null;
  /** The highest DOWN link above this one, when there is one: the incident that explains it. */
  affectedBy: string | null;
};

/** Links with their status, region, department and agent, ready to filter and sort. */
export function linkRows(uow: UnitOfWork) {
  return uow
    .db()
    .selectFrom('links')
    .leftJoin('link_status', 'link_status.link_code', 'links.code')
    .leftJoin('regions', 'regions.code', 'links.region_code')
    .leftJoin('departments', 'departments.code', 'links.department_code')
    .leftJoin('agents', 'agents.id', 'links.agent_id')
    .select([
      'links.code',
      'links.name',
      'links.link_class',
      'links.parent_code',
      'links.region_code',
      'regions.name as region_name',
      'links.department_code',
      'departments.name as department_name',
      'links.agent_id',
      'agents.name as agent_name',
      'links.probe',
      'links.demo',
      'links.created_at',
      'links.updated_at',
      'link_status.state',
      'link_status.since',
      'link_status.last_round_at',
      'link_status.loss_ratio',
      'link_status.rtt_avg_ms',
      'link_status.jitter_ms',
      'link_status.error',
    ]);
}

export type LinkRow = Awaited<ReturnType<ReturnType<typeof linkRows>['execute']>>[number];

export function asLinkClass(value: string): LinkClass {
  return linkClasses.find((c) => c === value) ?? 'department';
}

export function toLinkView(r: LinkRow, affectedBy: string | null): LinkView {
  return {
    code: r.code,
    name: r.name,
    class: asLinkClass(r.link_class),
    parent: r.parent_code,
    region: r.region_code,
    regionName: r.region_name,
    department: r.department_code,
    departmentName: r.department_name,
    agent: r.agent_id,
    agentName: r.agent_name,
    probe: JSON.parse(r.probe) as LinkProbe,
    demo: r.demo === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    // A link without a status row has never been measured: unknown since it was defined.
    state: asLinkState(r.state ?? 'unknown'),
    since: r.since ?? r.created_at,
    lastRoundAt: r.last_round_at,
    lossRatio: r.loss_ratio,
    rttAvgMs: r.rtt_avg_ms,
    jitterMs: r.jitter_ms,
    error: r.error,
    affectedBy,
  };
}

/** Whether the principal may see a link: department users only their own department's. */
export function linkVisibleTo(p: Principal, department: string | null): boolean {
  return !isScoped(p) || (department !== null && department === p.department);
}

/**
 * Throws NotFound for a link that does not exist (`department` undefined) or that the principal
 * may not see, alike, so a department user learns nothing about other departments' links.
 */
export function requireLinkVisible(
  p: Principal,
  code: string,
  department: string | null | undefined,
): asserts department is string | null {
  if (department === undefined || !linkVisibleTo(p, department)) throw new NotFound('link_not_found', { code });
}
