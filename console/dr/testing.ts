import type { Kysely } from 'kysely';
import type { Principal } from '../../core/principal.ts';
import type { Database, SystemsTable } from '../store/schema.ts';
import type { DrService } from './service.ts';

/**
 * Shared by the DR tests: department systems inserted straight into the store (the systems
 * inventory is another area), all with codes starting `zz-` so they never collide with demo data.
 */
export type TestSystem = Pick<SystemsTable, 'code' | 'department_code'> & Partial<SystemsTable>;

export async function insertSystems(db: Kysely<Database>, at: string, systems: TestSystem[]): Promise<void> {
  await db
    .insertInto('systems')
    .values(
      systems.map((s) => ({
        name: `System ${s.code}`,
        description: '',
        mlps_level: 3,
        network: 'extranet' as const,
        hosting: 'own-machine-room' as const,
        hosting_site_code: null,
        data_volume_gib: 100,
        rpo_seconds: 900,
        rto_seconds: 4 * 3600,
        target_dr_level: 5,
        version: 1,
        demo: 0,
        created_at: at,
        updated_at: at,
        ...s,
      })),
    )
    .execute();
}

/**
 * What the authorisation matrix needs to call every DR route successfully as each allowed role:
 * `system` (created in `department` when missing) protected at dr-remote, a planned drill to
 * record, and an open follow-up to close. Returns their ids.
 */
export async function drAuthorisationFixtures(
  { dr, db, at }: { dr: DrService; db: Kysely<Database>; at: string },
  system: string,
  department: string,
): Promise<{ drill: string; followUp: string }> {
  const exists = await db.selectFrom('systems').select('code').where('code', '=', system).executeTakeFirst();
  if (!exists) await insertSystems(db, at, [{ code: system, department_code: department }]);
  const op: Principal = {
    kind: 'user',
    id: 'dr-fixtures',
    name: 'dr-fixtures',
    roles: ['cloud-operator'],
    department: null,
  };
  await dr.setProtection(op, system, 'dr-remote', { mode: 'asynchronous', state: 'protected', lagSeconds: 30 });
  const drill = await dr.planDrill(op, { system, site: 'dr-remote', plannedOn: at.slice(0, 10) });
  const failed = await dr.planDrill(op, { system, site: 'dr-remote', plannedOn: at.slice(0, 10) });
  await dr.recordDrill(op, failed.id, { executedAt: at, result: 'failed' });
  const { followUps } = await dr.systemDrills(op, system);
  return { drill: drill.id, followUp: followUps.find((f) => f.drill === failed.id)!.id };
}
