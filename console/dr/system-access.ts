import { NotFound } from '../../core/errors.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/** The figures of a system the DR area works with. */
export type DrSystem = {
  code: string;
  name: string;
  department: string;
  mlpsLevel: number | null;
  rpoSeconds: number | null;
  rtoSeconds: number | null;
  targetLevel: number | null;
};

/**
 * A system the principal may see: a department user sees their own department's systems and
 * nothing else — another department's system reads as not found, so its existence stays private.
 */
export async function visibleSystem(uow: UnitOfWork, p: Principal, code: string): Promise<DrSystem> {
  const row = await uow
    .db()
    .selectFrom('systems')
    .select(['code', 'name', 'department_code', 'mlps_level', 'rpo_seconds', 'rto_seconds', 'target_dr_level'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row || (isScoped(p) && p.department !== row.department_code)) throw new NotFound('system_not_found', { code });
  return {
    code: row.code,
    name: row.name,
    department: row.department_code,
    mlpsLevel: row.mlps_level,
    rpoSeconds: row.rpo_seconds,
    rtoSeconds: row.rto_seconds,
    targetLevel: row.target_dr_level,
  };
}
