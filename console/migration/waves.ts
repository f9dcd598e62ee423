import { Conflict, type FieldProblem, Invalid, NotFound } from '../../core/errors.ts';
import { cutOverStates, type MigrationState } from '../../core/migration-lifecycle.ts';
import { isScoped, type Principal, requirePermission } from '../../core/principal.ts';
import type { WavesTable } from '../store/schema.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { isoInstant } from './move-input.ts';
import { troubleWindowMs, type WaveHealth, waveHealth, type WaveMember } from './wave-health.ts';
import { type MigrationRequestView, requestsWithNames, requestView } from './views.ts';

export const waveCodePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export type WaveInput = {
  code: string;
  name: string;
  position: number;
  windowStart?: string | null;
  windowEnd?: string | null;
  notes?: string;
};
export type WavePatch = Partial<Omit<WaveInput, 'code'>>;

export type WaveView = {
  code: string;
  name: string;
  position: number;
  windowStart: string | null;
  windowEnd: string | null;
  notes: string;
  /** Requests in the wave per delivery state (and the states before it, for requests re-planned). */
  byState: Partial<Record<MigrationState, number>>;
  total: number;
  cutOver: number;
  /** cutOver / total, 0–1 (0 for an empty wave). */
  cutOverShare: number;
  health: WaveHealth;
  createdAt: string;
  updatedAt: string;
};

/** The audit action of a move: refused gate attempts are read back from the trail by it. */
export const moveAuditAction = 'migration_request.move';

function windowProblems(start: string | null | undefined, end: string | null | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const s = start ? isoInstant(start) : null;
  const e = end ? isoInstant(end) : null;
  if (start && !s) problems.push({ field: 'windowStart', rule: 'iso_instant' });
  if (end && !e) problems.push({ field: 'windowEnd', rule: 'iso_instant' });
  if (s && e && s >= e) problems.push({ field: 'windowEnd', rule: 'cutover_window_order' });
  return problems;
}

/**
 * Waves: groups of migrations cut over together, in plan order (`position`), each with its
 * progress and rolled-up health (wave-health.ts). Everyone who reads systems sees the plan;
 * operators shape it. A department user sees only their own department's requests inside a wave.
 */
export function createWaves({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function membersOf(codes: string[]) {
    if (!codes.length) return new Map<string, (WaveMember & { id: string })[]>();
    const db = uow.db();
    const since = new Date(now().getTime() - troubleWindowMs).toISOString();
    const rows = await db
      .selectFrom('migration_requests')
      .select(['id', 'wave_code', 'state', 'cutover_end', 'updated_at'])
      .where('wave_code', 'in', codes)
      .execute();
    const ids = rows.map((r) => r.id);
    const rollbacks = ids.length
      ? await db
          .selectFrom('migration_events')
          .select((eb) => ['request_id', eb.fn.max('at').as('at')])
          .where('to_state', '=', 'ready-for-test')
          .where('from_state', 'in', ['testing', 'cutting-over'])
          .where('at', '>=', since)
          .where('request_id', 'in', ids)
          .groupBy('request_id')
          .execute()
      : [];
    // Refused attempts roll back with their transaction; the audit trail is where they stay.
    const refusals = ids.length
      ? await db
          .selectFrom('audit_log')
          .select((eb) => ['target', eb.fn.max('at').as('at')])
          .where('at', '>=', since)
          .where('action', '=', moveAuditAction)
          .where('outcome', '<>', 'success')
          .where('detail', 'like', '%"error":"gate_refused"%')
          .where(
            'target',
            'in',
            ids.map((id) => `migration_request:${id}`),
          )
          .groupBy('target')
          .execute()
      : [];
    const rolledBack = new Map(rollbacks.map((r) => [r.request_id, String(r.at)]));
    const refused = new Map(refusals.map((r) => [r.target.slice('migration_request:'.length), String(r.at)]));
    const byWave = new Map<string, (WaveMember & { id: string })[]>();
    for (const r of rows) {
      const list = byWave.get(r.wave_code!) ?? [];
      list.push({
        id: r.id,
        state: r.state,
        cutoverEnd: r.cutover_end,
        updatedAt: r.updated_at,
        lastRollbackAt: rolledBack.get(r.id) ?? null,
        lastGateRefusalAt: refused.get(r.id) ?? null,
      });
      byWave.set(r.wave_code!, list);
    }
    return byWave;
  }

  function view(w: WavesTable, members: readonly WaveMember[]): WaveView {
    const live = members.filter((m) => m.state !== 'cancelled' && m.state !== 'rejected');
    const byState: Partial<Record<MigrationState, number>> = {};
    for (const m of live) byState[m.state] = (byState[m.state] ?? 0) + 1;
    const cutOver = live.filter((m) => cutOverStates.includes(m.state)).length;
    return {
      code: w.code,
      name: w.name,
      position: Number(w.position),
      windowStart: w.window_start,
      windowEnd: w.window_end,
      notes: w.notes,
      byState,
      total: live.length,
      cutOver,
      cutOverShare: live.length ? cutOver / live.length : 0,
      health: waveHealth(w.window_end, members, now()),
      createdAt: w.created_at,
      updatedAt: w.updated_at,
    };
  }

  async function list(): Promise<WaveView[]> {
    const waves = await uow.db().selectFrom('waves').selectAll().orderBy('position').orderBy('code').execute();
    const members = await membersOf(waves.map((w) => w.code));
    return waves.map((w) => view(w, members.get(w.code) ?? []));
  }

  async function get(p: Principal, code: string): Promise<WaveView & { requests: MigrationRequestView[] }> {
    const w = await uow.db().selectFrom('waves').selectAll().where('code', '=', code).executeTakeFirst();
    if (!w) throw new NotFound('wave_not_found', { code });
    const members = await membersOf([code]);
    let q = requestsWithNames(uow.db()).where('migration_requests.wave_code', '=', code);
    if (isScoped(p)) q = q.where('migration_requests.department_code', '=', p.department ?? '');
    const rows = await q
      .orderBy('migration_requests.cutover_start')
      .orderBy('migration_requests.system_code')
      .execute();
    return { ...view(w, members.get(code) ?? []), requests: rows.map(requestView) };
  }

  async function create(p: Principal, input: WaveInput): Promise<WaveView> {
    requirePermission(p, 'migration:manage');
    const problems = windowProblems(input.windowStart, input.windowEnd);
    if (!waveCodePattern.test(input.code)) problems.unshift({ field: 'code', rule: 'invalid_format' });
    if (problems.length) throw new Invalid(problems);
    const at = now().toISOString();
    await insertOrConflict(
      () =>
        uow
          .db()
          .insertInto('waves')
          .values({
            code: input.code,
            name: input.name,
            position: input.position,
            window_start: input.windowStart ? isoInstant(input.windowStart) : null,
            window_end: input.windowEnd ? isoInstant(input.windowEnd) : null,
            notes: input.notes ?? '',
            created_at: at,
            updated_at: at,
          })
          .execute(),
      () => new Conflict('wave_exists', { code: input.code }),
    );
    return summary(input.code);
  }

  async function update(p: Principal, code: string, patch: WavePatch): Promise<WaveView> {
    requirePermission(p, 'migration:manage');
    const current = await uow.db().selectFrom('waves').selectAll().where('code', '=', code).executeTakeFirst();
    if (!current) throw new NotFound('wave_not_found', { code });
    const start = patch.windowStart === undefined ? current.window_start : patch.windowStart;
    const end = patch.windowEnd === undefined ? current.window_end : patch.windowEnd;
    const problems = windowProblems(start, end);
    if (problems.length) throw new Invalid(problems);
    await uow
      .db()
      .updateTable('waves')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.position !== undefined ? { position: patch.position } : {}),
        ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
        window_start: start ? isoInstant(start) : null,
        window_end: end ? isoInstant(end) : null,
        updated_at: now().toISOString(),
      })
      .where('code', '=', code)
      .execute();
    return summary(code);
  }

  /** The wave without its requests, as a change answers. */
  async function summary(code: string): Promise<WaveView> {
    const w = await uow.db().selectFrom('waves').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
    return view(w, (await membersOf([code])).get(code) ?? []);
  }

  return { list, get, create, update };
}
