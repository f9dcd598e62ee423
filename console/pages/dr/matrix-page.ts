import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { mlpsLevels, protectionStates } from '../../../core/dr.ts';
import { requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import {
  type DrFlag,
  type DrService,
  drFlags,
  type MatrixCell,
  type MatrixQuery,
  type MatrixRow,
  type MatrixSort,
  matrixSorts,
} from '../../dr/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { OrgService } from '../../org/service.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith, oneOf, type SortOrder, sortableHeader, sortOrder } from '../list-links.ts';
import { offsetOf, offsetPager } from '../offset-pager.ts';
import { regionOptions } from '../region-select.ts';
import { runbookLink } from '../runbooks/runbook-links.ts';
import {
  drTabs,
  durationText,
  flagBadges,
  flagLabel,
  levelText,
  modeLabel,
  stateBadge,
  stateLabel,
  systemHref,
} from './labels.ts';

const pageSize = 50;

/** The alert each flag raises once any system carries it. */
const flagAlert = {
  'target-not-met': 'DrTargetNotMet',
  'drill-overdue': 'DrDrillOverdue',
  'lag-above-rpo': 'DrReplicationLagAboveRpo',
} as const satisfies Record<DrFlag, string>;

type MatrixFilter = Omit<MatrixQuery, 'sort' | 'order' | 'limit'> & {
  sort: MatrixSort;
  order: SortOrder;
  offset: number;
};

function matrixFilter(c: Context<Env>): MatrixFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  const mlps = Number(c.req.query('mlps'));
  return {
    q: text('q', 100),
    department: text('department', 32),
    region: text('region', 32),
    mlps: (mlpsLevels as readonly number[]).includes(mlps) ? mlps : undefined,
    state: oneOf(protectionStates, c.req.query('state')),
    flag: oneOf(drFlags, c.req.query('flag')),
    sort: oneOf(matrixSorts, c.req.query('sort')) ?? 'code',
    order: sortOrder(c.req.query('order')),
    offset: offsetOf(c.req.query('offset')),
  };
}

function filterParams(f: MatrixFilter) {
  const { q, department, region, mlps, state, flag, sort, order } = f;
  return { q, department, region, mlps, state, flag, sort, order };
}

function cellHtml(c: Context<Env>, cell: MatrixCell | null, target: number | null): Html {
  const t = c.get('t');
  if (!cell) return html`<td class="dr-cell muted">${t('dr.noProtection')}</td>`;
  return html`<td class="dr-cell${cell.targetNotMet ? ' flagged' : ''}">${stateBadge(t, cell.state)}
<br><small>${modeLabel(t, cell.mode)} · ${t('dr.lag')} <span class="lag${cell.lagAboveRpo ? ' status-rejected' : ''}">${durationText(t, cell.lagSeconds)}</span></small>
<br><small class="level">${levelText(t, cell.achievedLevel)} / ${levelText(t, target)}</small></td>`;
}

function matrixRow(c: Context<Env>, r: MatrixRow, sites: string[]): Html {
  return html`<tr id="system-${r.code}"><td><a href="${systemHref(r.code)}">${r.code}</a></td><td>${r.name}</td>
<td>${r.departmentName}</td><td class="num">${r.mlpsLevel ?? '—'}</td>
${sites.map((s) => cellHtml(c, r.cells[s] ?? null, r.targetLevel))}
<td class="flags">${flagBadges(c.get('t'), r.flags)}</td></tr>`;
}

/**
 * The DR matrix: every system the viewer may see × the DR sites, with state, mode, lag and the
 * level achieved against the target, and the flags; counts of flagged systems on top (each a link
 * to the filtered list); filters, sortable columns and pages of 50, paged in the store.
 */
export function drMatrixPage({ dr, org, uow }: { dr: DrService; org: OrgService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/dr', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const t = c.get('t');
    const f = matrixFilter(c);
    const [m, regions, demo] = await Promise.all([
      dr.matrix(p, { ...f, limit: pageSize }),
      org.listRegions(),
      isDemo(uow),
    ]);
    const list = (params: Record<string, string | number | undefined>) => hrefWith('/dr', params);
    const header = (column: MatrixSort, label: string) =>
      sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
    const flagLink = (flag: DrFlag) =>
      html`<a class="dr-count" href="${list({ flag })}">${flagLabel(t, flag)}: <strong>${m.flagged[flag].toLocaleString('en')}</strong></a> <small>(${runbookLink(t, 'dr', flagAlert[flag])})</small> `;
    const body = html`${drTabs(t, '/dr')}
<p class="summary">${t('dr.flaggedCounts')} ${drFlags.map(flagLink)} <small class="muted">(${t('dr.overdueAfter', { months: m.drillOverdueMonths })})</small></p>
<form method="get" action="/dr" class="filters" role="search"
  hx-get="/dr" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('dr.searchPlaceholder')}" maxlength="100"></label>
  <label>${t('dr.department')} <input name="department" value="${f.department ?? ''}" maxlength="32" size="12"></label>
  <label>${t('dr.region')} <select name="region">${regionOptions(t, regions, f.region ?? '', 'filter')}</select></label>
  <label>${t('dr.mlps')} <select name="mlps"><option value="">${t('common.all')}</option>
    ${mlpsLevels.map((l) => html`<option value="${l}"${f.mlps === l ? html` selected` : ''}>${l}</option>`)}</select></label>
  <label>${t('dr.state')} <select name="state"><option value="">${t('common.all')}</option>
    ${protectionStates.map((s) => html`<option value="${s}"${f.state === s ? html` selected` : ''}>${stateLabel(t, s)}</option>`)}</select></label>
  <label>${t('dr.flag')} <select name="flag"><option value="">${t('common.all')}</option>
    ${drFlags.map((x) => html`<option value="${x}"${f.flag === x ? html` selected` : ''}>${flagLabel(t, x)}</option>`)}</select></label>
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/dr">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: m.total.toLocaleString('en') })}</span></p>
  ${
    m.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="dr-matrix">
  <thead hx-boost="true"><tr>${header('code', t('dr.system'))}${header('name', t('dr.name'))}${header('department', t('dr.department'))}${header('mlps', t('dr.mlps'))}
  ${m.sites.map((s) => html`<th scope="col">${s.name}<br><small class="muted">${t(`siteRole.${s.role}`)} · ${t('dr.achievedVsTarget')}</small></th>`)}
  <th>${t('dr.flags')}</th></tr></thead>
  <tbody>${m.items.map((r) =>
    matrixRow(
      c,
      r,
      m.sites.map((s) => s.code),
    ),
  )}</tbody>
</table>`
  }
  ${offsetPager(t, m.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), offset }))}
</div>`;
    return c.html(layout(c, { title: t('dr.matrixTitle'), body, demo, active: '/dr' }));
  });
}
