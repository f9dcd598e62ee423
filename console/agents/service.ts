import { randomUUID } from 'node:crypto';
import { type ExpressionBuilder, sql } from 'kysely';
import { z } from 'zod';
import { type AgentConfig, type CertSource, type EnrolRequest } from '../../core/contracts/agent.ts';
import { Conflict, type FieldProblem, Invalid, NotFound, Unauthenticated } from '../../core/errors.ts';
import { isScoped, type Principal, requireDepartmentInScope } from '../../core/principal.ts';
import { secretHash } from '../auth/secrets.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { Logger } from '../logger.ts';
import { contains } from '../store/contains.ts';
import type { Database } from '../store/schema.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import {
  type AgentDetail,
  type AgentSort,
  type AgentStatus,
  type AgentView,
  agentView,
  inScope,
  sortColumn,
} from './agent-views.ts';
import { agentConfigDocument } from './config-document.ts';
import { isAgentCredential, newAgentCredential, newEnrolmentToken, sameHash } from './credentials.ts';

/** How long an enrolment token may wait for its agent: a working day and a night. */
export const enrolmentTokenTtlMs = 24 * 60 * 60 * 1000;

export const newAgentInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  site: z.string().trim().min(1).max(32).nullish(),
  department: z.string().trim().min(1).max(32).nullish(),
});
export type NewAgentInput = z.input<typeof newAgentInput>;

export type AgentQuery = {
  status?: AgentStatus;
  site?: string;
  department?: string;
  /** Text in the name or hostname. */
  q?: string;
  sort?: AgentSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

/** A one-time enrolment token, shown once: the console keeps only its hash. */
export type Enrolment = { token: string; expiresAt: string };

/** The agent behind a credential, as agent routes see it. */
export type AuthenticatedAgent = { id: string; name: string; site: string | null; department: string | null };

export type AgentsService = ReturnType<typeof createAgentsService>;

/**
 * Site agents: an operator creates one and hands its one-time enrolment token to the site; the
 * agent exchanges the token for its own credential (enrolment), authenticates with it on every
 * request until revoked, and fetches its configuration. Tokens and credentials are stored only as
 * hashes. Department users see their own department's agents; to them others do not exist.
 */
export function createAgentsService({
  uow,
  now,
  logger,
  tokenTtlMs = enrolmentTokenTtlMs,
}: {
  uow: UnitOfWork;
  now: () => Date;
  logger: Logger;
  tokenTtlMs?: number;
}) {
  function base() {
    return uow
      .db()
      .selectFrom('agents')
      .leftJoin('sites', 'sites.code', 'agents.site_code')
      .leftJoin('departments', 'departments.code', 'agents.department_code')
      .selectAll('agents')
      .select(['sites.name as site_name', 'departments.name as department_name'])
      .select((eb) =>
        eb
          .selectFrom('links')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('links.agent_id', '=', 'agents.id')
          .as('link_count'),
      );
  }

  /** One agent as the viewer may see it; outside a department user's own it does not exist. */
  async function get(viewer: Principal, id: string): Promise<AgentDetail> {
    const row = await base().where('agents.id', '=', id).executeTakeFirst();
    if (!row || !inScope(viewer, row.department_code)) throw new NotFound('agent_not_found', { id });
    const sources = await uow
      .db()
      .selectFrom('agent_cert_sources')
      .select('spec')
      .where('agent_id', '=', id)
      .orderBy('source_id')
      .execute();
    return { ...agentView(row, now()), certSources: sources.map((s) => JSON.parse(s.spec) as CertSource) };
  }

  function matching(viewer: Principal, query: AgentQuery) {
    // A department user's own department, whatever they ask for; one without a department sees none.
    const department = isScoped(viewer) ? (viewer.department ?? '') : query.department;
    return (eb: ExpressionBuilder<Database, 'agents'>) =>
      eb.and([
        ...(query.status ? [eb('agents.status', '=', query.status)] : []),
        ...(query.site ? [eb('agents.site_code', '=', query.site)] : []),
        ...(department !== undefined && department !== '' ? [eb('agents.department_code', '=', department)] : []),
        ...(isScoped(viewer) && !viewer.department ? [eb.val(false)] : []),
        ...(query.q ? [eb.or([contains('agents.name', query.q), contains('agents.hostname', query.q)])] : []),
      ]);
  }

  async function list(viewer: Principal, query: AgentQuery): Promise<{ items: AgentView[]; total: number }> {
    const where = matching(viewer, query);
    const total = await uow
      .db()
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(where)
      .executeTakeFirstOrThrow();
    const column = sortColumn[query.sort ?? 'name'];
    // Agents never seen (or never enrolled) sort last either way, on both backends alike.
    const rows = await base()
      .where((eb) => where(eb as unknown as ExpressionBuilder<Database, 'agents'>))
      .orderBy(sql`case when ${sql.ref(column)} is null then 1 else 0 end`)
      .orderBy(column, query.order ?? 'asc')
      .orderBy('agents.name')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute();
    return { items: rows.map((r) => agentView(r, now())), total: Number(total.n) };
  }

  async function requireExists(table: 'sites' | 'departments', code: string, field: string): Promise<FieldProblem[]> {
    const row = await uow.db().selectFrom(table).select('code').where('code', '=', code).executeTakeFirst();
    return row ? [] : [{ field, rule: table === 'sites' ? 'unknown_site' : 'unknown_department' }];
  }

  /** A fresh token for the agent: only its hash and expiry are stored. */
  function issueToken(): { token: string; hash: string; expiresAt: string } {
    const token = newEnrolmentToken();
    return { token, hash: secretHash(token), expiresAt: new Date(now().getTime() + tokenTtlMs).toISOString() };
  }

  async function create(actor: Principal, raw: NewAgentInput): Promise<{ agent: AgentDetail; enrolment: Enrolment }> {
    const parsed = newAgentInput.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const input = parsed.data;
    if (isScoped(actor)) requireDepartmentInScope(actor, input.department ?? '');
    const problems = [
      ...(input.site ? await requireExists('sites', input.site, 'site') : []),
      ...(input.department ? await requireExists('departments', input.department, 'department') : []),
    ];
    if (problems.length) throw new Invalid(problems);
    const taken = await uow.db().selectFrom('agents').select('id').where('name', '=', input.name).executeTakeFirst();
    if (taken) throw new Conflict('agent_name_taken', { name: input.name });
    const id = randomUUID();
    const issued = issueToken();
    await insertOrConflict(
      () =>
        uow
          .db()
          .insertInto('agents')
          .values({
            id,
            name: input.name,
            site_code: input.site ?? null,
            department_code: input.department ?? null,
            status: 'pending',
            enrol_token_hash: issued.hash,
            enrol_expires_at: issued.expiresAt,
            credential_hash: null,
            hostname: null,
            version: null,
            created_at: now().toISOString(),
            created_by: actor.name,
            enrolled_at: null,
            revoked_at: null,
            revoked_by: null,
            last_seen_at: null,
            config_revision: null,
            spool_records: 0,
            spool_bytes: 0,
            dropped_total: 0,
          })
          .execute(),
      () => new Conflict('agent_name_taken', { name: input.name }),
    );
    logger.info('agent created', { agent: id, site: input.site ?? null, department: input.department ?? null });
    return { agent: await get(actor, id), enrolment: { token: issued.token, expiresAt: issued.expiresAt } };
  }

  /**
   * A new one-time token for an agent that is waiting to enrol or was revoked (re-enrolment, e.g.
   * after its host was rebuilt). Any earlier token stops working; an active agent must be revoked first.
   */
  async function reissueToken(actor: Principal, id: string): Promise<{ agent: AgentDetail; enrolment: Enrolment }> {
    const current = await get(actor, id);
    if (current.status === 'active') throw new Conflict('agent_active', { name: current.name });
    const issued = issueToken();
    await uow
      .db()
      .updateTable('agents')
      .set({
        status: 'pending',
        enrol_token_hash: issued.hash,
        enrol_expires_at: issued.expiresAt,
        credential_hash: null,
        revoked_at: null,
        revoked_by: null,
      })
      .where('id', '=', id)
      .execute();
    return { agent: await get(actor, id), enrolment: { token: issued.token, expiresAt: issued.expiresAt } };
  }

  /** Stops the agent's credential (and any unused token) at once; revoking twice changes nothing. */
  async function revoke(actor: Principal, id: string): Promise<AgentDetail> {
    const current = await get(actor, id);
    if (current.status === 'revoked') return current;
    await uow
      .db()
      .updateTable('agents')
      .set({
        status: 'revoked',
        credential_hash: null,
        enrol_token_hash: null,
        enrol_expires_at: null,
        revoked_at: now().toISOString(),
        revoked_by: actor.name,
      })
      .where('id', '=', id)
      .execute();
    logger.info('agent revoked', { agent: id });
    return get(actor, id);
  }

  /** Replaces the certificate sources an operator configured for the agent (its next config has them). */
  async function setCertSources(actor: Principal, id: string, sources: CertSource[]): Promise<AgentDetail> {
    await get(actor, id);
    const seen = new Set<string>();
    const problems: FieldProblem[] = [];
    sources.forEach((s, i) => {
      if (seen.has(s.id)) problems.push({ field: `${i}.id`, rule: 'duplicate_id', params: { id: s.id } });
      seen.add(s.id);
    });
    if (problems.length) throw new Invalid(problems);
    const db = uow.db();
    await db.deleteFrom('agent_cert_sources').where('agent_id', '=', id).execute();
    const at = now().toISOString();
    if (sources.length)
      await db
        .insertInto('agent_cert_sources')
        .values(sources.map((s) => ({ agent_id: id, source_id: s.id, spec: JSON.stringify(s), updated_at: at })))
        .execute();
    return get(actor, id);
  }

  /**
   * Exchanges a one-time token for the agent's credential. Unknown, expired and already used
   * tokens are refused with their own codes, so the person at the site knows what to ask for.
   */
  async function enrol(request: EnrolRequest): Promise<{ agent: AuthenticatedAgent; credential: string }> {
    const hash = secretHash(request.token);
    const row = await uow.db().selectFrom('agents').selectAll().where('enrol_token_hash', '=', hash).executeTakeFirst();
    if (!row?.enrol_token_hash || !sameHash(row.enrol_token_hash, hash))
      throw new Unauthenticated('enrol_token_unknown');
    if (row.status === 'active') throw new Unauthenticated('enrol_token_used');
    if (row.status !== 'pending') throw new Unauthenticated('enrol_token_unknown');
    if (!row.enrol_expires_at || Date.parse(row.enrol_expires_at) <= now().getTime())
      throw new Unauthenticated('enrol_token_expired', { expiresAt: row.enrol_expires_at ?? '' });
    const credential = newAgentCredential();
    const at = now().toISOString();
    // The token's hash stays, so a second use is told apart from a mistyped token.
    const changed = await uow
      .db()
      .updateTable('agents')
      .set({
        status: 'active',
        credential_hash: secretHash(credential),
        hostname: request.hostname,
        version: request.version,
        enrolled_at: at,
        last_seen_at: at,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('enrol_token_hash', '=', hash)
      .executeTakeFirst();
    // Two agents racing with one token: the first wins, the second is told it was used.
    if (Number(changed.numUpdatedRows) !== 1) throw new Unauthenticated('enrol_token_used');
    logger.info('agent enrolled', { agent: row.id, hostname: request.hostname, version: request.version });
    return { agent: { id: row.id, name: row.name, site: row.site_code, department: row.department_code }, credential };
  }

  /** The active agent holding this credential, or null (unknown, revoked, or not an agent credential). */
  async function authenticate(credential: string): Promise<AuthenticatedAgent | null> {
    if (!isAgentCredential(credential)) return null;
    const hash = secretHash(credential);
    const row = await uow
      .db()
      .selectFrom('agents')
      .select(['id', 'name', 'site_code', 'department_code', 'status', 'credential_hash'])
      .where('credential_hash', '=', hash)
      .executeTakeFirst();
    if (!row?.credential_hash || row.status !== 'active' || !sameHash(row.credential_hash, hash)) return null;
    return { id: row.id, name: row.name, site: row.site_code, department: row.department_code };
  }

  /**
   * Notes that an agent was heard from without a report: its configuration poll (every minute).
   * An agent with no links pushes only after an hourly certificate scan; without this it would
   * look silent for most of each hour. At most one write per agent per half minute.
   */
  async function heardFrom(agentId: string): Promise<void> {
    const at = now();
    await uow
      .db()
      .updateTable('agents')
      .set({ last_seen_at: at.toISOString() })
      .where('id', '=', agentId)
      .where((eb) =>
        eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', new Date(at.getTime() - 30_000).toISOString())]),
      )
      .execute();
  }

  /** The configuration document the agent is served (see config-document.ts). */
  function config(agentId: string): Promise<AgentConfig> {
    return agentConfigDocument(uow, logger, agentId);
  }

  // Every change runs in one transaction (the request's, or its own when called directly).
  const atomic =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A) =>
      uow.inTransaction(() => fn(...args));
  return {
    create: atomic(create),
    reissueToken: atomic(reissueToken),
    revoke: atomic(revoke),
    setCertSources: atomic(setCertSources),
    enrol: atomic(enrol),
    get,
    list,
    authenticate,
    heardFrom,
    config,
  };
}
