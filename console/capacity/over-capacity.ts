import { type Shortfall, unitOf } from '../../core/capacity.ts';
import { Conflict } from '../../core/errors.ts';
import { displayQuantity } from '../../core/quantity.ts';

/**
 * The 409 for a change the ledger cannot take: the message names the site, the first resource
 * and side that would be short, and by how much; `details` lists every shortfall exactly.
 */
export function ledgerConflict(
  code: 'over_capacity' | 'capacity_below_allocated',
  site: string,
  found: readonly Shortfall[],
): Conflict {
  const first = found[0]!;
  const show = (n: number) => displayQuantity(n, unitOf(first.resource));
  return new Conflict(code, {
    site,
    resource: first.resource,
    side: first.side,
    shortfall: show(first.shortfall),
    ceiling: show(first.ceiling),
    allocated: show(first.allocated),
    asked: show(first.asked),
    count: found.length,
  }).with({ site, shortfalls: found });
}
