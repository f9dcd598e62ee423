import type { Kysely } from 'kysely';
import type { GateFacts } from '../../core/migration-gates.ts';
import type { Database } from '../store/schema.ts';
import { currentRequests } from './views.ts';

/**
 * What the gates need to know about one system, read from the store: its MLPS level, the systems
 * it depends on with their current request's state (a system already hosted on the cloud counts
 * as there, with or without a request), its protection at each DR site with the site's role, and
 * its drills' results.
 */
export async function readGateFacts(db: Kysely<Database>, systemCode: string): Promise<GateFacts> {
  const [system, dependencies, protections, drills] = await Promise.all([
    db.selectFrom('systems').select('mlps_level').where('code', '=', systemCode).executeTakeFirst(),
    db
      .selectFrom('system_dependencies')
      .innerJoin('systems', 'systems.code', 'system_dependencies.depends_on_code')
      .leftJoin(currentRequests(db).as('cur'), 'cur.system_code', 'systems.code')
      .leftJoin('migration_requests', 'migration_requests.id', 'cur.id')
      .select(['systems.code', 'systems.hosting', 'migration_requests.state'])
      .where('system_dependencies.system_code', '=', systemCode)
      .orderBy('systems.code')
      .execute(),
    db
      .selectFrom('dr_protections')
      .innerJoin('sites', 'sites.code', 'dr_protections.site_code')
      .select(['dr_protections.site_code', 'sites.role', 'dr_protections.mode', 'dr_protections.state'])
      .where('dr_protections.system_code', '=', systemCode)
      .execute(),
    db.selectFrom('dr_drills').select(['site_code', 'result']).where('system_code', '=', systemCode).execute(),
  ]);
  return {
    mlpsLevel: system?.mlps_level === null || system?.mlps_level === undefined ? null : Number(system.mlps_level),
    dependencies: dependencies.map((d) => ({ code: d.code, state: d.state, onCloud: d.hosting === 'cloud' })),
    protections: protections.map((p) => ({ siteCode: p.site_code, siteRole: p.role, mode: p.mode, state: p.state })),
    drills: drills.map((d) => ({ siteCode: d.site_code, result: d.result })),
  };
}
