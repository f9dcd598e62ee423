import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { systemDetailPage } from './system-detail.ts';
import { systemFormPages } from './system-form.ts';
import { systemImportPages } from './system-import.ts';
import { systemsListPage } from './systems-list.ts';

/**
 * The systems pages: list, import and downloads, forms, detail. The fixed paths (new, import,
 * export.csv, catalog-info.yaml) come before /systems/:code so they are not taken for codes.
 */
export function systemPages(deps: Deps) {
  return new Hono<Env>()
    .route('/', systemsListPage(deps))
    .route('/', systemImportPages(deps))
    .route('/', systemFormPages(deps))
    .route('/', systemDetailPage(deps));
}
