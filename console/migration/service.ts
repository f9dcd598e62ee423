import { randomUUID } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import type { Registry } from 'prom-client';
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts';
import { type GateProblem, gateProblems } from '../../core/migration-gates.ts';
import {
  allowedNext,
  finalStates,
  type MigrationState,
  type Mover,
  requireMove,
} from '../../core/migration-lifecycle.ts';
import { holds, isScoped, type Principal, requirePermission } from '../../core/principal.ts';
import type { RequestsService } from '../capacity/requests-service.ts';
import type { Logger } from '../logger.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { MigrationRequestsTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { readGateFacts } from './gate-facts.ts';
import { registerMigrationMetrics } from './metrics.ts';
import { type MoveInput, moveChanges, moveProblems } from './move-input.ts';
import { listRequests, migrationBoard, type RequestFilter, type RequestQuery } from './request-list.ts';
import { type MigrationEvent, type MigrationRequestView, eventView, requestsWithNames, requestView } from './views.ts';
import { requireDependencyOrder } from './wave-order.ts';
import { createWaves } from './waves.ts';

export type Draft = { system: string; justification?: string; targetSite?: string | null };
export type DraftEdit = { version: number; justification?: string; targetSite?: string | null };

/** States a move into which must pass the gates first. */
export const gatedStates: readonly MigrationState[] = ['cutting-over', 'cut-over', 'accepted'];
/** States in which the department may still change its draft. */
export const editableStates: readonly MigrationState[] = ['draft', 'returned'];

/** A move the caller may make now, and whether the gates would refuse it (gated moves only). */
export type OfferedMove = { to: MigrationState; gates: GateProblem[] };

export type MigrationService = ReturnType<typeof createMigrationService>;

/** Whose moves the principal makes: an operator's when it may manage migrations, else the department's. */
export function moverOf(p: Principal): Mover {
  return holds(p, 'migration:manage') ? 'operator' : 'department';
}

/**
 * Migration requests: a department drafts one for its system and submits it; operators review,
 * assess, plan it into a wave and walk it to done through core/migration-lifecycle.ts, the gates
 * of core/migration-gates.ts guarding cut-over and acceptance. Each move is checked against the
 * version the mover saw, bumps it, and leaves an event (who, when, from, to, comment). Department
 * users reach only their own department's systems and requests; anything else does not exist
 * for them (404), and the refusal is audited by the request's transaction.
 */
export function createMigrationService({
  uow,
  now,
  requests,
  registry,
  logger,
}: {
  uow: UnitOfWork;
  now: () => Date;
  /** The quota workflow, for an assessment that raises a quota request for its sizing. */
  requests?: RequestsService;
  registry?: Registry;
  logger?: Logger;
}) {
  const locksRows = dialectOf(uow.root as Kysely<unknown>) === 'postgres';
  const waves = createWaves({ uow, now });
  if (registry) registerMigrationMetrics(registry, { uow, now, logger });

  async function load(p: Principal, id: string): Promise<MigrationRequestView> {
    const row = await requestsWithNames(uow.db()).where('migration_requests.id', '=', id).executeTakeFirst();
    if (!row || (isScoped(p) && p.department !== row.department_code))
      throw new NotFound('migration_request_not_found', { id });
    return requestView(row);
  }

  async function record(id: string, actor: string, from: MigrationState | null, to: MigrationState, comment: string) {
    const last = await uow
      .db()
      .selectFrom('migration_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('request_id', '=', id)
      .executeTakeFirst();
    await uow
      .db()
      .insertInto('migration_events')
      .values({
        request_id: id,
        seq: Number(last?.seq ?? 0) + 1,
        at: now().toISOString(),
        actor,
        from_state: from,
        to_state: to,
        comment,
      })
      .execute();
  }

  async function requireSite(site: string | null | undefined): Promise<void> {
    if (!site) return;
    const row = await uow.db().selectFrom('sites').select('code').where('code', '=', site).executeTakeFirst();
    if (!row) throw new Invalid([{ field: 'targetSite', rule: 'unknown_site', params: { site } }]);
  }

  function requireCurrentVersion(current: MigrationRequestView, expected: number): void {
    if (current.version !== expected) {
      throw new Conflict('stale', { id: current.id, version: current.version, state: current.state }).with({
        version: current.version,
        state: current.state,
        updatedAt: current.updatedAt,
      });
    }
  }

  async function create(p: Principal, input: Draft): Promise<MigrationRequestView> {
    requirePermission(p, 'systems:write');
    // The system's row lock serialises two drafts for one system (one open request per system).
    let q = uow.db().selectFrom('systems').select(['code', 'department_code']).where('code', '=', input.system);
    if (locksRows) q = q.forUpdate();
    const system = await q.executeTakeFirst();
    if (!system || (isScoped(p) && p.department !== system.department_code))
      throw new NotFound('system_not_found', { code: input.system });
    await requireSite(input.targetSite);
    const open = await uow
      .db()
      .selectFrom('migration_requests')
      .select(['id', 'state'])
      .where('system_code', '=', input.system)
      .where('state', 'not in', [...finalStates])
      .executeTakeFirst();
    if (open)
      throw new Conflict('migration_request_open', { system: input.system, id: open.id, state: open.state }).with({
        id: open.id,
        state: open.state,
      });
    const id = randomUUID();
    const at = now().toISOString();
    await uow
      .db()
      .insertInto('migration_requests')
      .values({
        id,
        system_code: system.code,
        department_code: system.department_code,
        state: 'draft',
        held_from: null,
        justification: input.justification?.trim() ?? '',
        target_site_code: input.targetSite ?? null,
        strategy: null,
        readiness: null,
        sizing: null,
        quota_request_id: null,
        wave_code: null,
        cutover_start: null,
        cutover_end: null,
        version: 1,
        created_by: p.name,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await record(id, p.name, null, 'draft', '');
    return load(p, id);
  }

  /**
   * Writes a change on the version the caller read, bumping it. A change made by someone else in
   * between leaves no row to update: 409, naming where the request stands now.
   */
  async function writeAt(
    current: MigrationRequestView,
    readVersion: number,
    changes: Updateable<MigrationRequestsTable>,
  ): Promise<void> {
    const result = await uow
      .db()
      .updateTable('migration_requests')
      .set({ ...changes, version: current.version + 1, updated_at: now().toISOString() })
      .where('id', '=', current.id)
      .where('version', '=', readVersion)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1)
      throw new Conflict('stale', { id: current.id, version: current.version, state: current.state });
  }

  /** Changes a draft or returned request's justification or target site. */
  async function edit(p: Principal, id: string, input: DraftEdit): Promise<MigrationRequestView> {
    requirePermission(p, 'systems:write');
    const current = await load(p, id);
    requireCurrentVersion(current, input.version);
    if (!editableStates.includes(current.state))
      throw new Conflict('not_editable', { id, state: current.state }).with({ state: current.state });
    await requireSite(input.targetSite);
    await writeAt(current, input.version, {
      ...(input.justification !== undefined ? { justification: input.justification.trim() } : {}),
      ...(input.targetSite !== undefined ? { target_site_code: input.targetSite } : {}),
    });
    return load(p, id);
  }

  /**
   * Moves a request to `to`: the caller's role decides whose moves it makes (an operator move by a
   * department user is 403), the lifecycle decides whether the move exists from here (409 naming
   * the state and the allowed moves), the move's facts are checked (400 per field), the wave plan's
   * dependency order and the gates are checked (409 naming every unmet one), and only then is
   * anything written.
   */
  async function move(p: Principal, id: string, to: MigrationState, input: MoveInput): Promise<MigrationRequestView> {
    requirePermission(p, 'systems:write');
    const current = await load(p, id);
    const mover = moverOf(p);
    if (
      mover === 'department' &&
      !allowedNext(current.state, current.heldFrom, 'department').includes(to) &&
      allowedNext(current.state, current.heldFrom, 'operator').includes(to)
    )
      throw new Forbidden('forbidden', { permission: 'migration:manage' });
    requireCurrentVersion(current, input.version);
    requireMove(current.state, current.heldFrom, to, mover);
    const problems = moveProblems(to, input);
    if (to === 'submitted' && !current.justification.trim())
      problems.push({ field: 'justification', rule: 'required' });
    if (to === 'assessed' && input.raiseQuotaRequest && !current.targetSite)
      problems.push({ field: 'targetSite', rule: 'required' });
    if (problems.length) throw new Invalid(problems);
    if (to === 'planned') await requireDependencyOrder(uow.db(), current.system, input.wave!);
    if (gatedStates.includes(to)) {
      const unmet = gateProblems(to, await readGateFacts(uow.db(), current.system));
      if (unmet.length)
        throw new Conflict('gate_refused', {
          state: current.state,
          to,
          problems: unmet.map((g) => ('system' in g ? `${g.gate}:${g.system}` : g.gate)).join(', '),
        }).with({ state: current.state, to, problems: unmet });
    }
    let quotaRequestId: string | undefined;
    if (to === 'assessed' && input.raiseQuotaRequest && input.sizing && requests) {
      const quota = await requests.submit(p, {
        department: current.department,
        site: current.targetSite!,
        justification: `${current.systemName} (${current.system}): ${input.readiness?.trim() ?? ''}`.slice(0, 4000),
        allocation: input.sizing,
      });
      quotaRequestId = quota.id;
    }
    await writeAt(current, input.version, {
      ...moveChanges(current.state, to, input),
      ...(quotaRequestId ? { quota_request_id: quotaRequestId } : {}),
      state: to,
    });
    await record(id, p.name, current.state, to, input.comment?.trim() ?? '');
    return load(p, id);
  }

  async function history(p: Principal, id: string): Promise<MigrationEvent[]> {
    await load(p, id);
    const rows = await uow
      .db()
      .selectFrom('migration_events')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map(eventView);
  }

  /**
   * The moves the caller may make now, each gated one with the gates' verdict so a page can say
   * what is missing before the operator tries. Nothing for a caller who may not write.
   */
  async function offeredMoves(p: Principal, r: MigrationRequestView): Promise<OfferedMove[]> {
    if (!holds(p, 'systems:write')) return [];
    const next = allowedNext(r.state, r.heldFrom, moverOf(p));
    const gated = next.some((to) => gatedStates.includes(to));
    const facts = gated ? await readGateFacts(uow.db(), r.system) : null;
    return next.map((to) => ({ to, gates: facts && gatedStates.includes(to) ? gateProblems(to, facts) : [] }));
  }

  /** The cut-over and acceptance gates as they stand now, shown before anyone tries them. */
  async function gates(r: MigrationRequestView): Promise<{ cutOver: GateProblem[]; acceptance: GateProblem[] }> {
    const facts = await readGateFacts(uow.db(), r.system);
    return { cutOver: gateProblems('cut-over', facts), acceptance: gateProblems('accepted', facts) };
  }

  async function detail(p: Principal, id: string) {
    const request = await load(p, id);
    const [events, allowed] = await Promise.all([history(p, id), offeredMoves(p, request)]);
    return { ...request, history: events, allowed };
  }

  /** A system's requests, newest first, for its detail page (404 outside the caller's department). */
  async function ofSystem(p: Principal, system: string): Promise<MigrationRequestView[]> {
    let q = requestsWithNames(uow.db()).where('migration_requests.system_code', '=', system);
    if (isScoped(p)) q = q.where('migration_requests.department_code', '=', p.department ?? '');
    const rows = await q
      .orderBy('migration_requests.created_at', 'desc')
      .orderBy('migration_requests.id', 'desc')
      .execute();
    return rows.map(requestView);
  }

  // Every change runs in one transaction (the request's, or its own when called directly).
  const atomic =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A) =>
      uow.inTransaction(() => fn(...args));
  return {
    create: atomic(create),
    edit: atomic(edit),
    move: atomic(move),
    get: load,
    history,
    detail,
    offeredMoves,
    gates,
    ofSystem,
    list: (p: Principal, query: RequestQuery) => listRequests(uow.db(), p, query),
    board: (p: Principal, filter: RequestFilter, perColumn = 12) => migrationBoard(uow.db(), p, filter, perColumn),
    waves: {
      list: waves.list,
      get: waves.get,
      create: atomic(waves.create),
      update: atomic(waves.update),
    },
  };
}
