import { randomUUID } from 'node:crypto';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { Conflict, type FieldProblem, Invalid, NotFound } from '../../core/errors.ts';
import type { DrillResult } from '../../core/dr.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { Database } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { recomputeAchieved } from './achieved.ts';
import { drillPlanBody, drillRecordBody, followUpCloseBody } from './dr-input.ts';
import type { drLevels } from './levels.ts';
import { drSite } from './protections.ts';
import { visibleSystem } from './system-access.ts';

/** A drill as the API and pages show it: measured figures beside the system's targets. */
export type DrillView = {
  id: string;
  system: string;
  systemName: string;
  department: string;
  site: string;
  siteName: string;
  plannedOn: string;
  executedAt: string | null;
  result: DrillResult | null;
  measuredRtoSeconds: number | null;
  measuredRpoSeconds: number | null;
  targetRtoSeconds: number | null;
  targetRpoSeconds: number | null;
  evidence: string;
  attachments: string[];
  cleanupConfirmed: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
};

export type FollowUpView = {
  id: string;
  system: string;
  drill: string | null;
  /** The drill that opened it, for the page's heading ("drill at … failed"). */
  drillResult: DrillResult | null;
  drillSite: string | null;
  text: string;
  status: 'open' | 'closed';
  createdAt: string;
  createdBy: string;
  closedAt: string | null;
  closedBy: string | null;
};

export const drillSorts = ['planned', 'executed', 'system', 'result'] as const;
export type DrillSort = (typeof drillSorts)[number];
export const drillOutcomes = ['planned', 'passed', 'partial', 'failed'] as const;

export type DrillQuery = {
  system?: string;
  site?: string;
  department?: string;
  /** 'planned': not executed yet; otherwise the result. */
  outcome?: (typeof drillOutcomes)[number];
  sort?: DrillSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
};

type Drills = ExpressionBuilder<Database, 'dr_drills' | 'systems' | 'sites'>;

const sortExpression = {
  planned: sql.ref('dr_drills.planned_on'),
  // Not yet executed sorts after every executed drill on both backends.
  executed: sql<string>`coalesce(dr_drills.executed_at, '9999')`,
  system: sql.ref('dr_drills.system_code'),
  result: sql<string>`coalesce(dr_drills.result, '')`,
} as const;

function parseAttachments(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Drills per system and DR site (planned, then recorded), and the follow-ups a failed or partial
 * drill leaves on its system until someone closes them.
 */
export function drDrills({
  uow,
  now,
  levels,
}: {
  uow: UnitOfWork;
  now: () => Date;
  levels: ReturnType<typeof drLevels>;
}) {
  function rows() {
    return uow
      .db()
      .selectFrom('dr_drills')
      .innerJoin('systems', 'systems.code', 'dr_drills.system_code')
      .innerJoin('sites', 'sites.code', 'dr_drills.site_code')
      .select([
        'dr_drills.id',
        'dr_drills.system_code',
        'systems.name as system_name',
        'systems.department_code',
        'systems.rto_seconds',
        'systems.rpo_seconds',
        'dr_drills.site_code',
        'sites.name as site_name',
        'dr_drills.planned_on',
        'dr_drills.executed_at',
        'dr_drills.result',
        'dr_drills.measured_rto_seconds',
        'dr_drills.measured_rpo_seconds',
        'dr_drills.evidence',
        'dr_drills.attachments',
        'dr_drills.cleanup_confirmed',
        'dr_drills.created_at',
        'dr_drills.created_by',
        'dr_drills.updated_at',
      ]);
  }
  type Row = Awaited<ReturnType<ReturnType<typeof rows>['executeTakeFirstOrThrow']>>;
  const toView = (r: Row): DrillView => ({
    id: r.id,
    system: r.system_code,
    systemName: r.system_name,
    department: r.department_code,
    site: r.site_code,
    siteName: r.site_name,
    plannedOn: r.planned_on,
    executedAt: r.executed_at,
    result: r.result,
    measuredRtoSeconds: r.measured_rto_seconds,
    measuredRpoSeconds: r.measured_rpo_seconds,
    targetRtoSeconds: r.rto_seconds,
    targetRpoSeconds: r.rpo_seconds,
    evidence: r.evidence,
    attachments: parseAttachments(r.attachments),
    cleanupConfirmed: r.cleanup_confirmed === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  });

  async function get(p: Principal, id: string): Promise<DrillView> {
    const row = await rows().where('dr_drills.id', '=', id).executeTakeFirst();
    if (!row || (isScoped(p) && p.department !== row.department_code)) throw new NotFound('drill_not_found', { id });
    return toView(row);
  }

  async function plan(p: Principal, raw: unknown): Promise<DrillView> {
    const parsed = drillPlanBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const input = parsed.data;
    await visibleSystem(uow, p, input.system);
    await drSite(uow, input.site);
    const id = randomUUID();
    const at = now().toISOString();
    await uow
      .db()
      .insertInto('dr_drills')
      .values({
        id,
        system_code: input.system,
        site_code: input.site,
        planned_on: input.plannedOn,
        evidence: '',
        attachments: '[]',
        cleanup_confirmed: 0,
        created_at: at,
        created_by: p.name,
        updated_at: at,
      })
      .execute();
    return get(p, id);
  }

  /**
   * Records (or corrects) a drill's execution. A passed drill counts towards the achieved level
   * and so must carry its measured RTO and RPO; a failed or partial one opens a follow-up on the
   * system (once per drill).
   */
  async function record(p: Principal, id: string, raw: unknown): Promise<DrillView> {
    const drill = await get(p, id);
    const parsed = drillRecordBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const input = parsed.data;
    const problems: FieldProblem[] = [];
    if (input.result === 'passed') {
      if ((input.measuredRtoSeconds ?? null) === null)
        problems.push({ field: 'measuredRtoSeconds', rule: 'required_for_passed' });
      if ((input.measuredRpoSeconds ?? null) === null)
        problems.push({ field: 'measuredRpoSeconds', rule: 'required_for_passed' });
    }
    if (Date.parse(input.executedAt) > now().getTime())
      problems.push({ field: 'executedAt', rule: 'executed_in_future' });
    if (problems.length) throw new Invalid(problems);
    const at = now().toISOString();
    await uow
      .db()
      .updateTable('dr_drills')
      .set({
        executed_at: new Date(input.executedAt).toISOString(),
        result: input.result,
        measured_rto_seconds: input.measuredRtoSeconds ?? null,
        measured_rpo_seconds: input.measuredRpoSeconds ?? null,
        evidence: input.evidence ?? drill.evidence,
        attachments: JSON.stringify(input.attachments ?? drill.attachments),
        cleanup_confirmed: (input.cleanupConfirmed ?? drill.cleanupConfirmed) ? 1 : 0,
        updated_at: at,
      })
      .where('id', '=', id)
      .execute();
    if (input.result !== 'passed') {
      const open = await uow
        .db()
        .selectFrom('system_follow_ups')
        .select('id')
        .where('drill_id', '=', id)
        .executeTakeFirst();
      if (!open) {
        await uow
          .db()
          .insertInto('system_follow_ups')
          .values({
            id: randomUUID(),
            system_code: drill.system,
            drill_id: id,
            // The page heads it with the drill's result and site in the reader's language.
            text: (input.evidence ?? drill.evidence).trim().slice(0, 1000),
            status: 'open',
            created_at: at,
            created_by: p.name,
          })
          .execute();
      }
    }
    await recomputeAchieved(uow, await levels.list(), { system: drill.system, site: drill.site });
    return get(p, id);
  }

  function matching(p: Principal, f: DrillQuery) {
    return (eb: Drills) => {
      const parts: Expression<SqlBool>[] = [];
      if (isScoped(p)) parts.push(eb('systems.department_code', '=', p.department ?? ''));
      if (f.system) parts.push(eb('dr_drills.system_code', '=', f.system));
      if (f.site) parts.push(eb('dr_drills.site_code', '=', f.site));
      if (f.department) parts.push(eb('systems.department_code', '=', f.department));
      if (f.outcome === 'planned') parts.push(eb('dr_drills.result', 'is', null));
      else if (f.outcome) parts.push(eb('dr_drills.result', '=', f.outcome));
      return eb.and(parts);
    };
  }

  /** The drill log: filtered, sorted, one page. */
  async function list(p: Principal, f: DrillQuery): Promise<{ items: DrillView[]; total: number }> {
    const where = matching(p, f);
    const { total } = await uow
      .db()
      .selectFrom('dr_drills')
      .innerJoin('systems', 'systems.code', 'dr_drills.system_code')
      .innerJoin('sites', 'sites.code', 'dr_drills.site_code')
      .where(where)
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const order = f.order ?? 'desc';
    const found = await rows()
      .where(where)
      .orderBy(sortExpression[f.sort ?? 'planned'], order)
      .orderBy('dr_drills.id', order)
      .limit(f.limit ?? 50)
      .offset(f.offset ?? 0)
      .execute();
    return { items: found.map(toView), total: Number(total) };
  }

  /** A system's drills (newest plan first) and its follow-ups (open first). */
  async function forSystem(p: Principal, code: string): Promise<{ drills: DrillView[]; followUps: FollowUpView[] }> {
    await visibleSystem(uow, p, code);
    const drills = await rows()
      .where('dr_drills.system_code', '=', code)
      .orderBy('dr_drills.planned_on', 'desc')
      .orderBy('dr_drills.id', 'desc')
      .execute();
    const followUps = await followUpRows()
      .where('system_follow_ups.system_code', '=', code)
      .orderBy('system_follow_ups.status', 'desc')
      .orderBy('system_follow_ups.created_at', 'desc')
      .execute();
    return { drills: drills.map(toView), followUps: followUps.map(toFollowUpView) };
  }

  function followUpRows() {
    return uow
      .db()
      .selectFrom('system_follow_ups')
      .leftJoin('dr_drills', 'dr_drills.id', 'system_follow_ups.drill_id')
      .selectAll('system_follow_ups')
      .select(['dr_drills.result as drill_result', 'dr_drills.site_code as drill_site']);
  }

  async function closeFollowUp(p: Principal, id: string, raw: unknown): Promise<FollowUpView> {
    const parsed = followUpCloseBody.safeParse(raw ?? {});
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const row = await followUpRows().where('system_follow_ups.id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('follow_up_not_found', { id });
    await visibleSystem(uow, p, row.system_code).catch(() => {
      throw new NotFound('follow_up_not_found', { id });
    });
    if (row.status === 'closed') throw new Conflict('follow_up_closed', { id, by: row.closed_by ?? '' });
    const note = parsed.data.note?.trim();
    const closed = {
      status: 'closed' as const,
      closed_at: now().toISOString(),
      closed_by: p.name,
      ...(note ? { text: `${row.text}\n— ${note}` } : {}),
    };
    await uow.db().updateTable('system_follow_ups').set(closed).where('id', '=', id).execute();

    return toFollowUpView({ ...row, ...closed });
  }

  return { get, plan, record, list, forSystem, closeFollowUp };
}

type FollowUpRow = Database['system_follow_ups'] & { drill_result: DrillResult | null; drill_site: string | null };

function toFollowUpView(r: FollowUpRow): FollowUpView {
  return {
    id: r.id,
    system: r.system_code,
    drill: r.drill_id,
    drillResult: r.drill_result,
    drillSite: r.drill_site,
    text: r.text,
    status: r.status,
    createdAt: r.created_at,
    createdBy: r.created_by,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
  };
}
