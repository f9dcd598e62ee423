import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { linkDetailPage } from './link-detail.ts';
import { linkFormPages } from './link-form.ts';
import { linksListPage } from './links-list.ts';
import { extranetOverviewPage } from './overview.ts';
import { thresholdsPage } from './thresholds.ts';

/**
 * The extranet pages: overview, links, link detail and forms, thresholds. The forms come before
 * the detail page so /extranet/links/new is not taken for a link code.
 */
export function extranetPages(deps: Deps) {
  return new Hono<Env>()
    .route('/', extranetOverviewPage(deps))
    .route('/', linksListPage(deps))
    .route('/', linkFormPages(deps))
    .route('/', linkDetailPage(deps))
    .route('/', thresholdsPage(deps));
}
