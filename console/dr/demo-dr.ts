import { createHash } from 'node:crypto';
import { achievedLevel, defaultDrLevels, worseRpo } from '../../core/dr-levels.ts';
import type { DrillResult, MilestoneKind, ProtectionState, ReplicationMode } from '../../core/dr.ts';
import { chunks } from '../extranet/link-tracking-store.ts';
import type { DrDrillsTable, DrProtectionsTable, SystemFollowUpsTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { notYetReplicating } from './flags.ts';
import { seedDefaultDrLevels } from './levels.ts';

const sameCity = 'dr-hefei';
const remote = 'dr-remote';
const day = 86_400_000;
const seeder = 'demo';

/**
 * The remote DR centre's approvals as DOMAIN.md reports them: six approved, construction
 * drawings in progress. Document numbers and dates are invented but shaped like the real ones.
 */
const remoteMilestones: { kind: MilestoneKind; documentNo: string | null; decidedOn: string | null; note: string }[] = [
  { kind: 'land-use-right', documentNo: '皖(2023)黄山市不动产权第0008126号', decidedOn: '2023-06-12', note: '' },
  { kind: 'environmental-assessment', documentNo: '黄环建函〔2023〕87号', decidedOn: '2023-09-05', note: '环评批复' },
  { kind: 'energy-assessment', documentNo: '皖发改能评〔2023〕41号', decidedOn: '2023-10-20', note: '能评审查意见' },
  { kind: 'project-proposal', documentNo: '皖发改投资〔2023〕312号', decidedOn: '2023-03-28', note: '' },
  { kind: 'feasibility-study', documentNo: '皖发改审批〔2024〕15号', decidedOn: '2024-01-22', note: '' },
  { kind: 'preliminary-design', documentNo: '皖数资〔2024〕63号', decidedOn: '2024-05-30', note: '含概算' },
  { kind: 'construction-drawings', documentNo: null, decidedOn: null, note: '施工图审查中' },
];

/** A stable number in [0, 1) per system and purpose, so the demo is the same on every start. */
function draw(key: string, purpose: string): number {
  return createHash('sha256').update(`${purpose}:${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

function pick<T>(items: readonly T[], r: number): T {
  return items[Math.min(items.length - 1, Math.floor(r * items.length))]!;
}

type DemoSystemRow = { code: string; mlps_level: number | null; rpo_seconds: number | null };

/**
 * Where a system is protected and how: level 3 and above same-city (most) and remote (some); an
 * accepted level-3+ migration is always protected off-site (the acceptance gate asked for it).
 */
function placesOf(s: DemoSystemRow, accepted: boolean): { site: string; mode: ReplicationMode }[] {
  const mlps = s.mlps_level ?? 0;
  if (accepted && mlps >= 3)
    return [
      { site: sameCity, mode: 'synchronous' },
      { site: remote, mode: 'asynchronous' },
    ];
  const r = draw(s.code, 'dr-places');
  if (mlps >= 4)
    return r < 0.85
      ? [
          { site: sameCity, mode: 'synchronous' },
          { site: remote, mode: 'asynchronous' },
        ]
      : [{ site: sameCity, mode: 'synchronous' }];
  if (mlps === 3) {
    if (r < 0.45)
      return [
        { site: sameCity, mode: 'synchronous' },
        { site: remote, mode: 'asynchronous' },
      ];
    return r < 0.8 ? [{ site: sameCity, mode: 'synchronous' }] : [];
  }
  if (mlps === 2) return r < 0.35 ? [{ site: sameCity, mode: 'backup-based' }] : [];
  return [];
}

function stateOf(key: string): ProtectionState {
  const r = draw(key, 'dr-state');
  if (r < 0.06) return 'degraded';
  if (r < 0.1) return 'initial-sync';
  if (r < 0.13) return 'configuring';
  if (r < 0.15) return 'requested';
  return 'protected';
}

/** Lag as replication would report it: none for synchronous, minutes for asynchronous, hours for backups. */
function lagOf(key: string, mode: ReplicationMode, state: ProtectionState, rpo: number | null): number | null {
  if ((notYetReplicating as readonly string[]).includes(state)) return null;
  const r = draw(key, 'dr-lag');
  if (state === 'degraded') return Math.max(1800, (rpo ?? 0) * 3);
  if (mode === 'synchronous') return 0;
  if (mode === 'asynchronous') return pick([20, 45, 90, 180, 240], r);
  return pick([4, 12, 20], r) * 3600;
}

/** A measured drill for the mode: what such a switch-over or restore typically takes and loses. */
function measured(key: string, mode: ReplicationMode): { rto: number; rpo: number } {
  const r = draw(key, 'dr-measured');
  if (mode === 'synchronous') return { rto: pick([20, 35, 50, 90], r) * 60, rpo: 0 };
  if (mode === 'asynchronous') return { rto: pick([40, 75, 110, 150], r) * 60, rpo: pick([60, 120, 300, 600], r) };
  return { rto: pick([6, 12, 20, 30], r) * 3600, rpo: 86_400 };
}

/**
 * Seeds the demo's disaster recovery: the remote DR centre under construction with its approval
 * milestones (the other sites operational), the default GB/T 20988 table, and protections and
 * drills for a realistic share of the demo systems (read from `systems` where demo = 1) — some
 * degraded, some below target, some drills partial or failed with open follow-ups, some overdue.
 * Systems whose demo migration was accepted are protected off-site with a passed drill, as the
 * acceptance gate demands. Bulk statements in chunks; every figure follows from the system's
 * code, so it is the same on every start. Call once, after the demo systems and migrations.
 */
export async function seedDemoDr(uow: UnitOfWork, at: Date): Promise<{ protections: number; drills: number }> {
  const db = uow.db();
  const iso = at.toISOString();
  const now = at.getTime();
  await seedDefaultDrLevels(uow, iso);
  await db.updateTable('sites').set({ status: 'under-construction' }).where('code', '=', remote).execute();
  const remoteExists = await db.selectFrom('sites').select('code').where('code', '=', remote).executeTakeFirst();
  if (remoteExists) {
    await db
      .insertInto('site_milestones')
      .values(
        remoteMilestones.map((m) => ({
          site_code: remote,
          kind: m.kind,
          status: m.documentNo ? ('approved' as const) : ('in-progress' as const),
          document_no: m.documentNo,
          decided_on: m.decidedOn,
          note: m.note,
          updated_at: iso,
          updated_by: seeder,
        })),
      )
      .onConflict((oc) => oc.columns(['site_code', 'kind']).doNothing())
      .execute();
  }

  const sites = new Set((await db.selectFrom('sites').select('code').execute()).map((s) => s.code));
  if (!sites.has(sameCity) || !sites.has(remote)) return { protections: 0, drills: 0 };
  const systems = await db
    .selectFrom('systems')
    .select(['code', 'mlps_level', 'rpo_seconds'])
    .where('demo', '=', 1)
    .orderBy('code')
    .execute();

  // Run after the demo migrations: their accepted systems passed the DR gate, so the data says so.
  const acceptedSystems = new Set(
    (
      await db
        .selectFrom('migration_requests')
        .select('system_code')
        .where('state', 'in', ['accepted', 'source-decommissioned', 'done'])
        .execute()
    ).map((r) => r.system_code),
  );
  const protections: DrProtectionsTable[] = [];
  const drills: (Omit<DrDrillsTable, 'evidence' | 'attachments' | 'cleanup_confirmed'> &
    Pick<DrDrillsTable, 'evidence' | 'attachments' | 'cleanup_confirmed'>)[] = [];
  const followUps: SystemFollowUpsTable[] = [];
  for (const s of systems) {
    const accepted = acceptedSystems.has(s.code);
    for (const { site, mode } of placesOf(s, accepted)) {
      const key = `${s.code}@${site}`;
      const gated = accepted && site === remote;
      const state = gated ? 'protected' : stateOf(key);
      const lag = lagOf(key, mode, state, s.rpo_seconds);
      let passed: { rto: number; rpo: number } | null = null;
      const replicating = !(notYetReplicating as readonly string[]).includes(state);
      if (replicating) {
        const r = gated ? 0 : draw(key, 'dr-drill');
        const outcome: DrillResult | null =
          r < 0.55 ? 'passed' : r < 0.65 ? 'partial' : r < 0.72 ? 'failed' : r < 0.8 ? 'passed' : null;
        // Passed drills in the last eleven months, except the last slice: 14–20 months ago (overdue).
        const ageDays =
          r >= 0.72 ? 420 + Math.floor(draw(key, 'dr-age') * 180) : 10 + Math.floor(draw(key, 'dr-age') * 320);
        if (outcome) {
          const executed = new Date(now - ageDays * day);
          executed.setUTCHours(14, 0, 0, 0);
          const m = measured(key, mode);
          const id = `demo-drill-${s.code}-${site}`;
          drills.push({
            id,
            system_code: s.code,
            site_code: site,
            planned_on: executed.toISOString().slice(0, 10),
            executed_at: executed.toISOString(),
            result: outcome,
            measured_rto_seconds: outcome === 'failed' ? null : m.rto,
            measured_rpo_seconds: outcome === 'failed' ? null : m.rpo,
            evidence:
              outcome === 'passed'
                ? '切换至灾备中心，业务验证通过后回切。'
                : outcome === 'partial'
                  ? '数据库切换成功，应用服务启动超时，部分功能未验证。'
                  : '备份恢复中断：备份目录与实际数据不一致。',
            attachments: JSON.stringify([`演练报告-${executed.toISOString().slice(0, 7)}-${s.code}`]),
            cleanup_confirmed: outcome === 'failed' ? 0 : 1,
            created_at: executed.toISOString(),
            created_by: seeder,
            updated_at: executed.toISOString(),
          });
          if (outcome === 'passed') passed = m;
          else
            followUps.push({
              id: `demo-follow-up-${s.code}-${site}`,
              system_code: s.code,
              drill_id: id,
              text: outcome === 'partial' ? '应用启动脚本需适配灾备环境。' : '重建备份目录并重新演练。',
              status: 'open',
              created_at: executed.toISOString(),
              created_by: seeder,
              closed_at: null,
              closed_by: null,
            });
        }
        if (draw(key, 'dr-plan') < 0.15) {
          drills.push({
            id: `demo-drill-plan-${s.code}-${site}`,
            system_code: s.code,
            site_code: site,
            planned_on: new Date(now + (7 + Math.floor(draw(key, 'dr-plan-day') * 60)) * day)
              .toISOString()
              .slice(0, 10),
            executed_at: null,
            result: null,
            measured_rto_seconds: null,
            measured_rpo_seconds: null,
            evidence: '',
            attachments: '[]',
            cleanup_confirmed: 0,
            created_at: iso,
            created_by: seeder,
            updated_at: iso,
          });
        }
      }
      protections.push({
        system_code: s.code,
        site_code: site,
        mode,
        state,
        lag_seconds: lag,
        last_recovery_point: lag === null ? null : new Date(now - lag * 1000).toISOString(),
        achieved_level: replicating
          ? achievedLevel(defaultDrLevels, {
              mode,
              measuredRtoSeconds: passed?.rto ?? null,
              rpoSeconds: passed ? worseRpo(passed.rpo, lag) : null,
            })
          : null,
        version: 1,
        updated_at: iso,
        updated_by: seeder,
      });
    }
  }
  for (const part of chunks(protections, 500)) await db.insertInto('dr_protections').values(part).execute();
  for (const part of chunks(drills, 500)) await db.insertInto('dr_drills').values(part).execute();
  for (const part of chunks(followUps, 500)) await db.insertInto('system_follow_ups').values(part).execute();
  return { protections: protections.length, drills: drills.length };
}
