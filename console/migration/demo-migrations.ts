import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { MigrationState, MigrationStrategy } from '../../core/migration-lifecycle.ts';
import { cutOverStates, deliveryStates } from '../../core/migration-lifecycle.ts';
import { chunks } from '../extranet/link-tracking-store.ts';
import { dialectOf } from '../store/dialect-of.ts';
import type { MigrationEventsTable, MigrationRequestsTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

const day = 86_400_000;

/** The path a request walks to reach each state the demo puts it in (holds and closures added below). */
const forwardPath: readonly MigrationState[] = ['draft', 'submitted', 'approved', 'assessed', ...deliveryStates];

/**
 * How the demo's requests spread over the lifecycle, out of every 40 systems that have one:
 * most still early or being built, a good part already moved, a few held, returned or closed.
 */
const mix: [MigrationState, number][] = [
  ['draft', 2],
  ['submitted', 3],
  ['returned', 1],
  ['approved', 2],
  ['assessed', 3],
  ['planned', 5],
  ['replicating', 3],
  ['ready-for-test', 2],
  ['testing', 3],
  ['ready-for-cutover', 2],
  ['cutting-over', 1],
  ['cut-over', 3],
  ['accepted', 3],
  ['source-decommissioned', 1],
  ['done', 4],
  ['on-hold', 1],
  ['rejected', 0.5],
  ['cancelled', 0.5],
];

/** Waves by position, with windows around the demo's "now" in days: done, cutting over, testing, planned, later. */
const demoWaves = [
  { code: 'W1', name: '第一批：政务服务门户与数据共享', from: -120, to: -30 },
  { code: 'W2', name: '第二批：省直部门核心业务', from: -30, to: 15 },
  { code: 'W3', name: '第三批：市级业务系统（一）', from: 15, to: 60 },
  { code: 'W4', name: '第四批：市级业务系统（二）', from: 60, to: 120 },
  { code: 'W5', name: '第五批：县区业务系统', from: 120, to: 200 },
];

function waveFor(state: MigrationState, i: number): string | null {
  const rank = forwardPath.indexOf(state);
  if (rank < forwardPath.indexOf('planned')) return state === 'on-hold' ? 'W3' : null;
  if (rank >= forwardPath.indexOf('accepted')) return 'W1';
  if (rank >= forwardPath.indexOf('ready-for-cutover')) return i % 5 === 0 ? 'W1' : 'W2';
  if (rank >= forwardPath.indexOf('replicating')) return 'W3';
  return i % 2 ? 'W4' : 'W5';
}

const strategies: MigrationStrategy[] = [
  'rehost',
  'rehost',
  'rehost',
  'replatform',
  'replatform',
  'refactor',
  'relocate',
  'retain',
];

/** The states a request passed through to reach `state`, first to last. */
function pathTo(state: MigrationState): MigrationState[] {
  if (state === 'returned' || state === 'rejected') return ['draft', 'submitted', state];
  if (state === 'cancelled') return ['draft', 'submitted', 'approved', 'cancelled'];
  if (state === 'on-hold') return [...forwardPath.slice(0, forwardPath.indexOf('testing') + 1), 'on-hold'];
  return forwardPath.slice(0, forwardPath.indexOf(state) + 1);
}

/** Stable pseudo-random pick per system, so the demo is the same on every start. */
function spread(code: string): number {
  return createHash('sha256').update(code).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Puts about two in five of the demo systems (those not already on the cloud) into migration
 * requests across every state, each with the events that brought it there, and plans the five
 * demo waves. Dependencies are respected: a system never stands further than cut-over-ready, nor
 * in an earlier wave, while a system it depends on is still off the cloud. Bulk inserts in chunks.
 */
export async function seedDemoMigrations(uow: UnitOfWork, at: Date): Promise<number> {
  const db = uow.db();
  const now = at.getTime();
  const iso = (ms: number) => new Date(Math.min(ms, now)).toISOString();
  const systems = await db
    .selectFrom('systems')
    .select(['code', 'department_code', 'mlps_level', 'hosting'])
    .where('demo', '=', 1)
    .orderBy('code')
    .execute();
  const edges = await db.selectFrom('system_dependencies').select(['system_code', 'depends_on_code']).execute();
  const dependsOn = new Map<string, string[]>();
  for (const e of edges) dependsOn.set(e.system_code, [...(dependsOn.get(e.system_code) ?? []), e.depends_on_code]);

  await db
    .insertInto('waves')
    .values(
      demoWaves.map((w, i) => ({
        code: w.code,
        name: w.name,
        position: i + 1,
        window_start: `${new Date(now + w.from * day).toISOString().slice(0, 10)}T00:00:00.000Z`,
        window_end: `${new Date(now + w.to * day).toISOString().slice(0, 10)}T00:00:00.000Z`,
        notes: '',
        created_at: iso(now - 150 * day),
        updated_at: iso(now - 150 * day),
      })),
    )
    .execute();

  const weights = mix.reduce((n, [, w]) => n + w, 0);
  const chosen = new Map<string, { state: MigrationState; wave: string | null }>();
  const onCloud = new Set(systems.filter((s) => s.hosting === 'cloud').map((s) => s.code));
  const cutOver = (code: string) => onCloud.has(code) || cutOverStates.includes(chosen.get(code)?.state ?? 'draft');
  const waveRank = (w: string | null) => (w ? Number(w.slice(1)) : 0);
  // Dependencies first (depth-first), so each system can be held back behind what it depends on.
  const ordered: typeof systems = [];
  const seen = new Set<string>();
  const byCode = new Map(systems.map((s) => [s.code, s]));
  const visit = (code: string) => {
    if (seen.has(code)) return;
    seen.add(code);
    for (const d of dependsOn.get(code) ?? []) visit(d);
    const s = byCode.get(code);
    if (s) ordered.push(s);
  };
  for (const s of systems) visit(s.code);
  const requests: MigrationRequestsTable[] = [];
  const events: MigrationEventsTable[] = [];
  ordered.forEach((s, i) => {
    const r = spread(s.code);
    if (onCloud.has(s.code) || r >= 0.4) return;
    let pick = (r / 0.4) * weights;
    let state: MigrationState = 'draft';
    for (const [candidate, w] of mix) {
      state = candidate;
      if ((pick -= w) < 0) break;
    }
    const deps = dependsOn.get(s.code) ?? [];
    const blocked = deps.some((d) => !cutOver(d));
    const passedCutOver = cutOverStates.includes(state) || state === 'cutting-over';
    if (blocked && passedCutOver) state = 'ready-for-cutover';
    // No cut-over without an MLPS level: an ungraded system waits in testing.
    if (s.mlps_level === null && (passedCutOver || state === 'ready-for-cutover')) state = 'testing';
    let wave = waveFor(state, i);
    if (wave)
      for (const d of deps) if (waveRank(chosen.get(d)?.wave ?? null) > waveRank(wave)) wave = chosen.get(d)!.wave;
    chosen.set(s.code, { state, wave });

    const path = pathTo(state);
    const id = `demo-mig-${s.code}`;
    const step = 4 * day;
    const start = now - (path.length + 2) * step - Math.floor(r * 20) * day;
    const waveDef = demoWaves.find((w) => w.code === wave);
    const cutStart = waveDef
      ? now + (waveDef.from + 2 + (Math.floor(r * 1000) % Math.max(1, waveDef.to - waveDef.from - 3))) * day
      : null;
    const rank = forwardPath.indexOf(state === 'on-hold' ? 'testing' : state);
    const assessed = rank >= forwardPath.indexOf('assessed');
    requests.push({
      id,
      system_code: s.code,
      department_code: s.department_code,
      state,
      held_from: state === 'on-hold' ? 'testing' : null,
      justification: '原自建机房设备老化，按全省政务云统筹要求迁移上云。',
      target_site_code: 'prod-hefei',
      strategy: assessed ? strategies[Math.floor(r * 1000) % strategies.length]! : null,
      readiness: assessed ? '应用可在虚拟化环境运行，数据库需停机迁移。' : null,
      sizing: assessed
        ? JSON.stringify({
            cpu: { requests: 8000, limits: 16000 },
            memory: { requests: 32 * 2 ** 30, limits: 32 * 2 ** 30 },
          })
        : null,
      quota_request_id: null,
      wave_code: wave,
      cutover_start: cutStart === null ? null : new Date(cutStart).toISOString(),
      cutover_end: cutStart === null ? null : new Date(cutStart + 4 * 3600_000).toISOString(),
      version: path.length,
      created_by: 'demo-department',
      created_at: iso(start),
      updated_at: iso(start + (path.length - 1) * step),
    });
    path.forEach((to, seq) =>
      events.push({
        request_id: id,
        seq: seq + 1,
        at: iso(start + seq * step),
        actor: to === 'draft' || to === 'submitted' ? 'demo-department' : 'demo-operator',
        from_state: seq ? path[seq - 1]! : null,
        to_state: to,
        comment:
          to === 'returned'
            ? '请补充数据量和RPO要求。'
            : to === 'rejected'
              ? '该系统计划下线，不予迁移。'
              : to === 'on-hold'
                ? '等待等保测评结果。'
                : '',
      }),
    );
  });
  for (const part of chunks(requests, 400)) await db.insertInto('migration_requests').values(part).execute();
  for (const part of chunks(events, 1000)) await db.insertInto('migration_events').values(part).execute();
  if (dialectOf(uow.root as Kysely<unknown>) === 'postgres') {
    await sql`analyze migration_requests`.execute(db);
    await sql`analyze migration_events`.execute(db);
  }
  return requests.length;
}
