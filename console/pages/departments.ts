import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { departmentLevels } from '../../core/org.ts';
import { holds, requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import { type DepartmentQuery, type DepartmentSort, departmentSorts, type OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { layout } from './layout.ts';
import { hrefWith, messages, oneOf, type SortOrder, sortableHeader, sortOrder } from './list-links.ts';
import { regionOptions } from './region-select.ts';

type DepartmentFilter = Omit<DepartmentQuery, 'sort' | 'order'> & { sort: DepartmentSort; order: SortOrder };

/** The list's filters from the URL; values that do not fit are ignored rather than refused. */
function departmentFilter(c: Context<Env>): DepartmentFilter {
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const region = (c.req.query('region') ?? '').slice(0, 32);
  return {
    q: q || undefined,
    level: oneOf(departmentLevels, c.req.query('level')),
    region: region || undefined,
    sort: oneOf(departmentSorts, c.req.query('sort')) ?? 'code',
    order: sortOrder(c.req.query('order')),
    cursor: c.req.query('cursor') || undefined,
  };
}

/** The filters (not the page position) as query parameters, for links that keep them. */
function filterParams(f: DepartmentFilter) {
  return { q: f.q, level: f.level, region: f.region, sort: f.sort, order: f.order };
}

/**
 * The departments list: search, level and region filters, sortable columns and keyset pages of
 * 50 from the service, so it stays fast at thousands of departments; and its CSV export. A
 * department user sees only their own department (the service filters).
 */
export function departmentsPage({ org, uow }: { org: OrgService; uow: UnitOfWork }) {
  return new Hono<Env>()
    .get('/departments', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'org:read');
      const t = c.get('t');
      const f = departmentFilter(c);
      const [page, regions, demo] = await Promise.all([org.listDepartments(p, f), org.listRegions(), isDemo(uow)]);
      const list = (params: Record<string, string | undefined>) => hrefWith('/departments', params);
      const canWrite = holds(p, 'org:write');
      // An import redirects here with its counts (POST, then redirect, then GET).
      const [created, updated] = [c.req.query('created'), c.req.query('updated')];
      const notices =
        created && updated && /^\d+$/.test(created) && /^\d+$/.test(updated)
          ? [t('dept.imported', { created, updated })]
          : [];
      const header = (column: DepartmentSort, label: string) =>
        sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));

      const body = html`
${messages(notices)}
${
  canWrite
    ? html`<p class="toolbar"><a class="button" href="/departments/new">${t('dept.create')}</a> <a class="button secondary" href="/departments/import">${t('common.import')}</a></p>`
    : ''
}
<form method="get" action="/departments" class="filters" role="search"
  hx-get="/departments" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('dept.searchPlaceholder')}" maxlength="100"></label>
  <label>${t('dept.level')} <select name="level">
    <option value="">${t('common.all')}</option>
    ${departmentLevels.map((l) => html`<option value="${l}"${f.level === l ? html` selected` : ''}>${t(`level.${l}`)}</option>`)}
  </select></label>
  <label>${t('dept.region')} <select name="region">${regionOptions(t, regions, f.region ?? '', 'filter')}</select></label>
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/departments">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span>
  <a href="${hrefWith('/departments/export.csv', { q: f.q, level: f.level, region: f.region })}" download>${t('common.export')}</a></p>
  ${
    page.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table>
  <thead hx-boost="true"><tr>${header('code', t('dept.code'))}${header('name', t('dept.name'))}${header('level', t('dept.level'))}${header('region', t('dept.region'))}</tr></thead>
  <tbody>${page.items.map(
    (d) =>
      html`<tr><td><a href="/departments/${encodeURIComponent(d.code)}">${d.code}</a></td><td>${d.name}</td><td>${t(`level.${d.level}`)}</td><td>${d.regionName}</td></tr>`,
  )}</tbody>
</table>`
  }
  <nav class="pager" hx-boost="true" aria-label="${t('common.pages')}">
    ${f.cursor ? html`<a href="${list(filterParams(f))}">${t('common.first')}</a>` : ''}
    ${page.nextCursor ? html`<a href="${list({ ...filterParams(f), cursor: page.nextCursor })}" rel="next">${t('common.next')}</a>` : ''}
  </nav>
</div>`;
      return c.html(layout(c, { title: t('dept.title'), body, demo, active: '/departments' }));
    })
    .get('/departments/export.csv', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'org:read');
      const { q, level, region } = departmentFilter(c);
      c.set('audit', {
        action: 'department.export',
        target: 'departments',
        detail: { q, level, region },
        always: true,
      });
      const body = await org.exportDepartments(p, { q, level, region });
      return c.body(body, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="departments.csv"',
      });
    });
}
