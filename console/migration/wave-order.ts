import type { Kysely } from 'kysely';
import { Conflict, Invalid } from '../../core/errors.ts';
import { cutOverStates, finalStates } from '../../core/migration-lifecycle.ts';
import type { Database } from '../store/schema.ts';
import { currentRequests } from './views.ts';

/** Where a system's current, still-moving request sits in the wave plan (null: not planned). */
function plannedSystems(db: Kysely<Database>) {
  return db
    .selectFrom('systems')
    .innerJoin(currentRequests(db).as('cur'), 'cur.system_code', 'systems.code')
    .innerJoin('migration_requests', 'migration_requests.id', 'cur.id')
    .innerJoin('waves', 'waves.code', 'migration_requests.wave_code')
    .select(['systems.code', 'waves.code as wave', 'waves.position'])
    .where('systems.hosting', '<>', 'cloud')
    .where('migration_requests.state', 'not in', [...cutOverStates, ...finalStates]);
}

/**
 * Dependency order across waves: a system is not planned into a wave that runs before the wave of
 * a system it depends on (which would still be off the cloud when this one cuts over), nor after
 * the wave of a system that depends on it. Within one wave the cut-over gate keeps the order.
 * Systems already on the cloud, or whose migration has cut over, no longer constrain anything.
 * Returns the wave's position.
 */
export async function requireDependencyOrder(db: Kysely<Database>, system: string, wave: string): Promise<number> {
  const target = await db.selectFrom('waves').select('position').where('code', '=', wave).executeTakeFirst();
  if (!target) throw new Invalid([{ field: 'wave', rule: 'unknown_wave', params: { wave } }]);
  const position = Number(target.position);
  const later = await plannedSystems(db)
    .where(
      'systems.code',
      'in',
      db.selectFrom('system_dependencies').select('depends_on_code').where('system_code', '=', system),
    )
    .where('waves.position', '>', position)
    .orderBy('waves.position')
    .executeTakeFirst();
  if (later) {
    throw new Conflict('dependency_in_later_wave', { system, dependency: later.code, wave: later.wave }).with({
      dependency: later.code,
      wave: later.wave,
    });
  }
  const earlier = await plannedSystems(db)
    .where(
      'systems.code',
      'in',
      db.selectFrom('system_dependencies').select('system_code').where('depends_on_code', '=', system),
    )
    .where('waves.position', '<', position)
    .orderBy('waves.position')
    .executeTakeFirst();
  if (earlier) {
    throw new Conflict('dependant_in_earlier_wave', { system, dependant: earlier.code, wave: earlier.wave }).with({
      dependant: earlier.code,
      wave: earlier.wave,
    });
  }
  return position;
}
