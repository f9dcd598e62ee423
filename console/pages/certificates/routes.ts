import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { certificateBoardPage } from './board.ts';
import { certificateDetailPage } from './detail.ts';
import { certificateInventoryPage } from './inventory.ts';
import { raImportPage } from './ra-import.ts';
import { trustAnchorsPage } from './trust-anchors.ts';

/**
 * The certificate pages: inventory (and its CSV export), expiry board, RA import, trust anchors.
 * The fixed paths (board, import, export.csv) come before /certificates/:fingerprint so they are
 * not taken for fingerprints.
 */
export function certificatePages(deps: Pick<Deps, 'certificates' | 'uow'>) {
  return new Hono<Env>()
    .route('/', certificateInventoryPage(deps))
    .route('/', certificateBoardPage(deps))
    .route('/', raImportPage(deps))
    .route('/', trustAnchorsPage(deps))
    .route('/', certificateDetailPage(deps));
}
