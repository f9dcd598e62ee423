import { randomUUID } from 'node:crypto';
import { type Allocation, type Amount, type ResourceKey, shortfalls, sides } from '../../core/capacity.ts';
import { Conflict, Forbidden, Invalid, NotFound, type FieldProblem } from '../../core/errors.ts';
import { namespaceOf } from '../../core/namespace.ts';
import { isScoped, type Principal, requireDepartmentInScope } from '../../core/principal.ts';
import { matchesDepartment } from '../org/department-filters.ts';
import type { QuotaRequestStatus } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { Ledger } from './ledger.ts';
import { ledgerConflict } from './over-capacity.ts';
import { openStatuses, type QuotaRequestEvent, type QuotaRequestView, requestView } from './request-views.ts';

export const requestSorts = ['created', 'updated', 'department', 'site', 'status'] as const;
export type RequestSort = (typeof requestSorts)[number];
export const requestStatuses = ['pending', 'returned', 'approved', 'rejected', 'withdrawn'] as const;

export type RequestQuery = {
  status?: QuotaRequestStatus | 'open' | 'all';
  site?: string;
  department?: string;
  q?: string;
  sort?: RequestSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

export type Submission = { department: string; site: string; justification: string; allocation: Allocation };
export type Decision = { version: number; allocation?: Allocation; note?: string };
export type Reasoned = { version: number; reason: string };
export type Resubmission = { version: number; allocation: Allocation; justification: string };

const sortColumn = {
  created: 'quota_requests.created_at',
  updated: 'quota_requests.updated_at',
  department: 'quota_requests.department_code',
  site: 'quota_requests.site_code',
  status: 'quota_requests.status',
} as const;

export type RequestsService = ReturnType<typeof createRequestsService>;

/**
 * The quota request workflow: a department asks (new quota or change) on one site; an operator
 * approves (possibly less), returns it for changes, or rejects it; the requester may resubmit a
 * returned request or withdraw. Each step bumps the request's version (so a decision taken on a
 * stale view is refused) and leaves an event in its history.
 */
export function createRequestsService({ uow, now, ledger }: { uow: UnitOfWork; now: () => Date; ledger: Ledger }) {
  function base() {
    return uow
      .db()
      .selectFrom('quota_requests')
      .innerJoin('departments', 'departments.code', 'quota_requests.department_code')
      .selectAll('quota_requests')
      .select('departments.name as department_name');
  }

  async function load(id: string, p: Principal): Promise<QuotaRequestView> {
    const row = await base().where('quota_requests.id', '=', id).executeTakeFirst();
    // Outside the caller's department a request does not exist, as far as the caller can tell.
    if (!row || (isScoped(p) && p.department !== row.department_code)) throw new NotFound('request_not_found', { id });
    return requestView(row);
  }

  async function record(id: string, actor: string, action: string, note: string | null, amounts: Allocation | null) {
    const last = await uow
      .db()
      .selectFrom('quota_request_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('request_id', '=', id)
      .executeTakeFirst();
    await uow
      .db()
      .insertInto('quota_request_events')
      .values({
        request_id: id,
        seq: Number(last?.seq ?? 0) + 1,
        at: now().toISOString(),
        actor,
        action,
        note,
        amounts: amounts ? JSON.stringify(amounts) : null,
      })
      .execute();
  }

  /** Refuses amounts for resources the site does not offer at all, naming each. */
  async function requireOffered(site: string, allocation: Allocation): Promise<void> {
    const offered = new Set((await ledger.siteResources(site)).map((r) => r.resource));
    const problems: FieldProblem[] = (Object.keys(allocation) as ResourceKey[])
      .filter((k) => !offered.has(k))
      .map((k) => ({ field: `allocation.${k}`, rule: 'not_offered', params: { site } }));
    if (problems.length) throw new Invalid(problems);
  }

  async function requireSite(site: string): Promise<void> {
    const row = await uow
      .db()
      .selectFrom('site_ledgers')
      .select('site_code')
      .where('site_code', '=', site)
      .executeTakeFirst();
    if (!row) throw new NotFound('site_not_found', { code: site });
  }

  async function submit(p: Principal, input: Submission): Promise<QuotaRequestView> {
    requireDepartmentInScope(p, input.department);
    const dept = await uow
      .db()
      .selectFrom('departments')
      .select('code')
      .where('code', '=', input.department)
      .executeTakeFirst();
    if (!dept) throw new NotFound('department_not_found', { code: input.department });
    await requireSite(input.site);
    await requireOffered(input.site, input.allocation);
    const open = await uow
      .db()
      .selectFrom('quota_requests')
      .select('id')
      .where('department_code', '=', input.department)
      .where('site_code', '=', input.site)
      .where('status', 'in', openStatuses)
      .executeTakeFirst();
    if (open)
      throw new Conflict('request_open', { id: open.id, department: input.department, site: input.site }).with({
        id: open.id,
      });
    const held = await uow
      .db()
      .selectFrom('quotas')
      .select('site_code')
      .where('department_code', '=', input.department)
      .where('site_code', '=', input.site)
      .executeTakeFirst();
    const id = randomUUID();
    const at = now().toISOString();
    await uow
      .db()
      .insertInto('quota_requests')
      .values({
        id,
        department_code: input.department,
        site_code: input.site,
        kind: held ? 'change' : 'new',
        status: 'pending',
        justification: input.justification,
        requested: JSON.stringify(input.allocation),
        approved: null,
        reason: null,
        requested_by: p.name,
        requested_by_id: p.id,
        decided_by: null,
        created_at: at,
        updated_at: at,
        version: 1,
      })
      .execute();
    await record(id, p.name, 'submitted', input.justification, input.allocation);
    return load(id, p);
  }

  /** Refuses a step taken on a stale view (409 with the current version) or in a state that does not allow it. */
  function requireCurrent(current: QuotaRequestView, expected: number, allowed: readonly QuotaRequestStatus[]): void {
    if (current.version !== expected) {
      throw new Conflict('stale_request', { id: current.id, version: current.version, status: current.status }).with({
        version: current.version,
        status: current.status,
        updatedAt: current.updatedAt,
      });
    }
    if (!allowed.includes(current.status)) {
      throw new Conflict('request_not_open', { id: current.id, status: current.status }).with({
        status: current.status,
      });
    }
  }

  /** Moves a request on, if it is still at the version the caller saw and in a state that allows it. */
  async function advance(
    current: QuotaRequestView,
    expected: number,
    allowed: readonly QuotaRequestStatus[],
    change: {
      status: QuotaRequestStatus;
      approved?: Allocation;
      reason?: string | null;
      decidedBy?: string;
      requested?: Allocation;
      justification?: string;
    },
  ): Promise<void> {
    requireCurrent(current, expected, allowed);
    const result = await uow
      .db()
      .updateTable('quota_requests')
      .set({
        status: change.status,
        version: current.version + 1,
        updated_at: now().toISOString(),
        ...(change.approved ? { approved: JSON.stringify(change.approved) } : {}),
        ...(change.reason !== undefined ? { reason: change.reason } : {}),
        ...(change.decidedBy ? { decided_by: change.decidedBy } : {}),
        ...(change.requested ? { requested: JSON.stringify(change.requested) } : {}),
        ...(change.justification ? { justification: change.justification } : {}),
      })
      .where('id', '=', current.id)
      .where('version', '=', expected)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1)
      throw new Conflict('stale_request', { id: current.id, version: current.version, status: current.status });
  }

  function requireNotOwn(p: Principal, requestedById: string): void {
    // Four eyes: whoever filed a request (even an operator on a department's behalf) cannot decide it.
    if (p.id === requestedById) throw new Forbidden('own_request');
  }

  async function requestedById(id: string): Promise<string> {
    const row = await uow
      .db()
      .selectFrom('quota_requests')
      .select('requested_by_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.requested_by_id ?? '';
  }

  /** An approval may grant less than asked, never more, and only resources that were asked for. */
  function requireWithinRequested(requested: Allocation, approved: Allocation): void {
    const problems: FieldProblem[] = [];
    for (const [key, amount] of Object.entries(approved) as [ResourceKey, Amount][]) {
      for (const side of sides) {
        if (amount[side] > (requested[key]?.[side] ?? 0))
          problems.push({ field: `allocation.${key}.${side}`, rule: 'above_requested' });
      }
    }
    if (problems.length) throw new Invalid(problems);
  }

  async function approve(p: Principal, id: string, input: Decision): Promise<QuotaRequestView> {
    const seen = await load(id, p);
    requireNotOwn(p, await requestedById(id));
    const approved = input.allocation ?? seen.requested;
    requireWithinRequested(seen.requested, approved);
    // Lock the site's ledger, then look again: another approval may have landed meanwhile.
    await ledger.lockSite(seen.site);
    const current = await load(id, p);
    const short = shortfalls(
      await ledger.siteResources(current.site),
      await ledger.allocatedOn(current.site, current.department),
      approved,
    );
    // A stale or already decided request says so first; a shortfall refuses before anything is written.
    requireCurrent(current, input.version, ['pending']);
    if (short.length) throw ledgerConflict('over_capacity', current.site, short);
    await advance(current, input.version, ['pending'], {
      status: 'approved',
      approved,
      decidedBy: p.name,
      reason: input.note ?? null,
    });
    const at = now();
    const quota = {
      request_id: id,
      approved_at: at.toISOString(),
      approved_by: p.name,
    };
    const updated = await uow
      .db()
      .updateTable('quotas')
      .set(quota)
      .where('department_code', '=', current.department)
      .where('site_code', '=', current.site)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await uow
        .db()
        .insertInto('quotas')
        .values({
          ...quota,
          department_code: current.department,
          site_code: current.site,
          namespace: namespaceOf(current.department),
        })
        .execute();
    }
    await ledger.replaceAllocation(current.department, current.site, approved);
    await ledger.bumpRevision(at);
    await record(id, p.name, 'approved', input.note ?? null, approved);
    return load(id, p);
  }

  async function sendBack(p: Principal, id: string, input: Reasoned): Promise<QuotaRequestView> {
    const current = await load(id, p);
    requireNotOwn(p, await requestedById(id));
    await advance(current, input.version, ['pending'], { status: 'returned', reason: input.reason, decidedBy: p.name });
    await record(id, p.name, 'returned', input.reason, null);
    return load(id, p);
  }

  async function reject(p: Principal, id: string, input: Reasoned): Promise<QuotaRequestView> {
    const current = await load(id, p);
    requireNotOwn(p, await requestedById(id));
    await advance(current, input.version, ['pending'], { status: 'rejected', reason: input.reason, decidedBy: p.name });
    await record(id, p.name, 'rejected', input.reason, null);
    return load(id, p);
  }

  async function resubmit(p: Principal, id: string, input: Resubmission): Promise<QuotaRequestView> {
    const current = await load(id, p);
    requireDepartmentInScope(p, current.department);
    await requireOffered(current.site, input.allocation);
    await advance(current, input.version, ['returned'], {
      status: 'pending',
      requested: input.allocation,
      justification: input.justification,
      reason: null,
    });
    await record(id, p.name, 'resubmitted', input.justification, input.allocation);
    return load(id, p);
  }

  async function withdraw(p: Principal, id: string, input: { version: number }): Promise<QuotaRequestView> {
    const current = await load(id, p);
    requireDepartmentInScope(p, current.department);
    await advance(current, input.version, openStatuses, { status: 'withdrawn' });
    await record(id, p.name, 'withdrawn', null, null);
    return load(id, p);
  }

  async function history(p: Principal, id: string): Promise<QuotaRequestEvent[]> {
    await load(id, p);
    const rows = await uow
      .db()
      .selectFrom('quota_request_events')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      action: r.action,
      note: r.note,
      amounts: r.amounts === null ? null : (JSON.parse(r.amounts) as Allocation),
    }));
  }

  async function list(p: Principal, query: RequestQuery): Promise<{ items: QuotaRequestView[]; total: number }> {
    let q = base();
    const status = query.status ?? 'open';
    if (status === 'open') q = q.where('quota_requests.status', 'in', openStatuses);
    else if (status !== 'all') q = q.where('quota_requests.status', '=', status);
    if (query.site) q = q.where('quota_requests.site_code', '=', query.site);
    const department = isScoped(p) ? (p.department ?? '') : query.department;
    if (department) q = q.where('quota_requests.department_code', '=', department);
    if (query.q) {
      const text = query.q;
      q = q.where((eb) => matchesDepartment(eb as never, text));
    }
    const total = await q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // The queue reads oldest first: first come, first served.
    const order = query.order ?? 'asc';
    const rows = await q
      .orderBy(sortColumn[query.sort ?? 'created'], order)
      .orderBy('quota_requests.id')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute();
    return { items: rows.map(requestView), total: Number(total.n) };
  }

  // Every change runs in one transaction (the request's, or its own when called directly).
  const atomic =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A) =>
      uow.inTransaction(() => fn(...args));
  return {
    submit: atomic(submit),
    approve: atomic(approve),
    sendBack: atomic(sendBack),
    reject: atomic(reject),
    resubmit: atomic(resubmit),
    withdraw: atomic(withdraw),
    get: load,
    history,
    list,
  };
}
