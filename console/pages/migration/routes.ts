import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { boardPage } from './board.ts';
import { requestDetailPage } from './request-detail.ts';
import { requestFormPage } from './request-form.ts';
import { requestsListPage } from './requests-list.ts';
import { wavesPage } from './waves-page.ts';

/**
 * The migration pages: the board, the request list, drafting a request, one request with its
 * moves, and the wave plan. /migration/requests/new comes before /migration/requests/:id so it
 * is not taken for a request id.
 */
export function migrationPages(deps: Deps) {
  return new Hono<Env>()
    .route('/', boardPage(deps))
    .route('/', requestsListPage(deps))
    .route('/', requestFormPage(deps))
    .route('/', requestDetailPage(deps))
    .route('/', wavesPage(deps));
}
