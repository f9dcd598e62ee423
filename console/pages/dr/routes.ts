import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { drDrillPages } from './drills-page.ts';
import { drLevelsPage } from './levels-page.ts';
import { drMatrixPage } from './matrix-page.ts';
import { drSitesPage } from './sites-page.ts';
import { drSystemPages } from './system-page.ts';

/** The DR pages: the matrix, the drill log and forms, the DR sites' construction, the level table, one system's DR. */
export function drPages(deps: Deps) {
  return new Hono<Env>()
    .route('/', drMatrixPage(deps))
    .route('/', drDrillPages(deps))
    .route('/', drSitesPage(deps))
    .route('/', drLevelsPage(deps))
    .route('/', drSystemPages(deps));
}
