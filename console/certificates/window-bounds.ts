import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ExpiryWindow } from '../../core/cert-windows.ts';
import type { Database } from '../store/schema.ts';

const dayMs = 86_400_000;

/**
 * The instants that separate the expiry windows at `now`, as stored timestamps are written
 * (ISO-8601 with milliseconds, UTC), so the store can filter and count by window with text
 * comparisons on both backends. The edges follow core/cert-windows.ts `expiryWindowOf`:
 * notAfter itself is still valid, and exactly 7 or 30 days left still counts as 7d or 30d.
 */
export function windowBounds(now: Date) {
  return {
    now: now.toISOString(),
    in7d: new Date(now.getTime() + 7 * dayMs).toISOString(),
    in30d: new Date(now.getTime() + 30 * dayMs).toISOString(),
  };
}

/** "The certificate's notAfter falls in this window at `now`". */
export function inWindow(
  eb: ExpressionBuilder<Database, 'certificates'>,
  window: ExpiryWindow,
  now: Date,
): Expression<SqlBool> {
  const b = windowBounds(now);
  const col = eb.ref('certificates.not_after');
  switch (window) {
    case 'expired':
      return eb(col, '<', b.now);
    case '7d':
      return eb.and([eb(col, '>=', b.now), eb(col, '<=', b.in7d)]);
    case '30d':
      return eb.and([eb(col, '>', b.in7d), eb(col, '<=', b.in30d)]);
    case 'valid':
      return eb(col, '>', b.in30d);
  }
}
