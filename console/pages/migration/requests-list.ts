import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { MessageKey } from '../../i18n/negotiate.ts';
import { type RequestSort, requestSorts } from '../../migration/request-list.ts';
import type { MigrationRequestView } from '../../migration/views.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith, oneOf, sortableHeader, sortOrder } from '../list-links.ts';
import { offsetOf, offsetPager } from '../offset-pager.ts';
import { utcMinute } from '../site-reading.ts';
import { filterForm, filterParams, requestFilterOf } from './filters.ts';
import { stateBadge } from './labels.ts';

const pageSize = 50;

/** Requests as rows: system, department, state, wave, cutover window, last move. */
export function requestRows(
  c: Context<Env>,
  items: readonly MigrationRequestView[],
  header: (column: RequestSort, label: string) => Html = (_c, label) => html`<th>${label}</th>`,
): Html {
  const t = c.get('t');
  if (!items.length) return html`<p class="muted">${t('common.none')}</p>`;
  return html`<table class="migration-requests">
<thead hx-boost="true"><tr>${header('system', t('migration.system'))}${header('department', t('migration.department'))}<th>${t('migration.mlps')}</th>${header('state', t('migration.state'))}${header('wave', t('migration.wave'))}${header('cutover', t('migration.cutoverWindow'))}${header('updated', t('migration.updated'))}</tr></thead>
<tbody>${items.map(
    (r) =>
      html`<tr id="request-${r.id}"><td><a href="/migration/requests/${encodeURIComponent(r.id)}">${r.systemName}</a> <code>${r.system}</code></td><td>${r.departmentName}</td><td>${r.mlpsLevel ?? '—'}</td><td>${stateBadge(t, r.state)}</td><td>${r.wave ?? '—'}</td><td class="nowrap">${r.cutoverStart ? `${utcMinute(r.cutoverStart)} – ${utcMinute(r.cutoverEnd ?? r.cutoverStart)}` : '—'}</td><td class="nowrap">${utcMinute(r.updatedAt)}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * Every migration request, most recently moved first, with the board's filters plus state (or a
 * board column, when reached from a column's "more" link), sortable columns and pages of 50.
 */
export function requestsListPage({ migration, org, uow }: Pick<Deps, 'migration' | 'org' | 'uow'>) {
  return new Hono<Env>().get('/migration/requests', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const t = c.get('t');
    const f = requestFilterOf(c);
    const sort = oneOf(requestSorts, c.req.query('sort'));
    const order = c.req.query('order') ? sortOrder(c.req.query('order')) : sort ? 'asc' : 'desc';
    const offset = offsetOf(c.req.query('offset'));
    const [page, regions, waves, demo] = await Promise.all([
      migration.list(p, { ...f, sort, order, limit: pageSize, offset }),
      org.listRegions(),
      migration.waves.list(),
      isDemo(uow),
    ]);
    const params = { ...filterParams(f), sort, order: c.req.query('order') ? order : undefined };
    const list = (extra: Record<string, string | number | undefined>) =>
      hrefWith('/migration/requests', { ...params, ...extra });
    const header = (column: RequestSort, label: string) =>
      sortableHeader(label, column, { sort: sort ?? 'updated', order }, (s, o) =>
        list({ sort: s, order: o, offset: undefined }),
      );
    const body = html`<p class="toolbar"><a href="/migration">${t('migration.boardTitle')}</a>${
      f.column ? html` · ${t('migration.inColumn', { column: t(`migrationColumn.${f.column}` as MessageKey) })}` : ''
    }</p>
${filterForm(c, '/migration/requests', f, {
  regions,
  waves,
  withState: true,
  hidden: html`${sort ? html`<input type="hidden" name="sort" value="${sort}">` : ''}`,
})}
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary">${t('common.total', { count: page.total.toLocaleString('en') })}</p>
  ${requestRows(c, page.items, header)}
  ${offsetPager(t, page.total, offset, pageSize, (o) => list({ offset: o }))}
</div>`;
    return c.html(layout(c, { title: t('migration.listTitle'), body, demo, active: '/migration' }));
  });
}
