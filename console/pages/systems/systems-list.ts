import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { hostingKinds, mlpsLevels, systemNetworks } from '../../../core/dr.ts';
import { migrationStates } from '../../../core/migration-lifecycle.ts';
import { departmentLevels } from '../../../core/org.ts';
import { holds, isScoped, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { MessageKey } from '../../i18n/negotiate.ts';
import {
  type SystemListItem,
  type SystemQuery,
  type SystemSort,
  systemFlags,
  systemSorts,
} from '../../systems/service.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith, messages, oneOf, type SortOrder, sortableHeader, sortOrder } from '../list-links.ts';
import { offsetOf, offsetPager } from '../offset-pager.ts';
import { regionOptions } from '../region-select.ts';
import { utcMinute } from '../site-reading.ts';
import {
  flagBadges,
  flagLabel,
  hostingLabel,
  mlpsLabel,
  networkLabel,
  stateLabel,
  systemHref,
} from './system-labels.ts';

const pageSize = 50;

export type SystemFilter = Omit<SystemQuery, 'sort' | 'order' | 'limit'> & {
  sort: SystemSort;
  order: SortOrder;
  offset: number;
};

/** The list's filters from the URL; values that do not fit are ignored rather than refused. */
export function systemFilter(c: Context<Env>): SystemFilter {
  const text = (key: string, max: number) => (c.req.query(key) ?? '').trim().slice(0, max) || undefined;
  const mlps = c.req.query('mlps');
  return {
    q: text('q', 100),
    department: text('department', 32),
    region: text('region', 32),
    level: oneOf(departmentLevels, c.req.query('level')),
    mlps: mlps === 'none' ? 'none' : mlpsLevels.find((l) => String(l) === mlps),
    network: oneOf(systemNetworks, c.req.query('network')),
    hosting: oneOf(hostingKinds, c.req.query('hosting')),
    state: oneOf([...migrationStates, 'none'] as const, c.req.query('state')),
    wave: text('wave', 64),
    flag: oneOf(systemFlags, c.req.query('flag')),
    sort: oneOf(systemSorts, c.req.query('sort')) ?? 'code',
    order: sortOrder(c.req.query('order')),
    offset: offsetOf(c.req.query('offset')),
  };
}

/** The filters (not the page position or order), for export links and counts. */
export function filterParams(f: SystemFilter) {
  const { q, department, region, level, mlps, network, hosting, state, wave, flag } = f;
  return { q, department, region, level, mlps, network, hosting, state, wave, flag };
}

function options<T extends string | number>(
  values: readonly T[],
  selected: T | undefined,
  label: (v: T) => string,
  all: string,
): Html {
  return html`<option value="">${all}</option>${values.map(
    (v) => html`<option value="${v}"${selected === v ? html` selected` : ''}>${label(v)}</option>`,
  )}`;
}

function systemRow(c: Context<Env>, s: SystemListItem): Html {
  const t = c.get('t');
  return html`<tr id="system-${s.code}"><td><a href="${systemHref(s.code)}">${s.code}</a></td><td>${s.name}</td>
<td>${s.departmentName}</td><td>${s.regionName}</td><td>${mlpsLabel(t, s.mlpsLevel)}</td><td>${networkLabel(t, s.network)}</td>
<td>${hostingLabel(t, s.hosting, s.hostingSite)}</td><td class="state">${stateLabel(t, s.migration?.state ?? null)}</td>
<td>${s.migration?.wave ?? ''}</td><td class="flags">${flagBadges(t, s.flags)}</td><td class="nowrap">${utcMinute(s.updatedAt)}</td></tr>`;
}

/**
 * Every system the viewer may see (1,473 in the demo): text, department, region (a city takes its
 * counties), department level, MLPS level, network, hosting, migration state, wave and DR-flag
 * filters, sortable columns, pages of 50 from the service's SQL paging, the flagged counts, CSV
 * export and import and the Backstage catalogue. A department user sees their own systems only.
 */
export function systemsListPage({ systems, org, uow }: Pick<Deps, 'systems' | 'org' | 'uow'>) {
  return new Hono<Env>().get('/systems', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const t = c.get('t');
    const f = systemFilter(c);
    const [page, regions, waves, demo] = await Promise.all([
      systems.list(p, { ...f, limit: pageSize }),
      org.listRegions(),
      uow.db().selectFrom('waves').select(['code', 'name']).orderBy('position').execute(),
      isDemo(uow),
    ]);
    const flagged = await Promise.all(
      systemFlags.map(async (flag) => ({ flag, total: (await systems.list(p, { ...f, flag, limit: 1 })).total })),
    );
    const list = (params: Record<string, string | number | undefined>) => hrefWith('/systems', params);
    const header = (column: SystemSort, label: string) =>
      sortableHeader(label, column, f, (sort, order) => list({ ...filterParams(f), sort, order }));
    const [created, updated] = [c.req.query('created'), c.req.query('updated')];
    const notices = [
      ...(created && updated && /^\d+$/.test(created) && /^\d+$/.test(updated)
        ? [t('systems.importedNotice', { created, updated })]
        : []),
      ...(c.req.query('deleted') ? [t('system.deleted', { code: c.req.query('deleted')!.slice(0, 64) })] : []),
    ];
    const canWrite = holds(p, 'systems:write');
    const scoped = isScoped(p);
    const body = html`${messages(notices)}
<p class="toolbar">
  ${canWrite ? html`<a class="button" href="/systems/new">${t('systems.new')}</a> <a href="/systems/import">${t('systems.import')}</a>` : ''}
  <a href="${hrefWith('/systems/export.csv', filterParams(f))}" download>${t('systems.export')}</a>
  <a href="${hrefWith('/systems/catalog-info.yaml', filterParams(f))}" download>${t('systems.catalog')}</a>
</p>
<form method="get" action="/systems" class="filters" role="search"
  hx-get="/systems" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"
  hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('systems.searchPlaceholder')}" maxlength="100"></label>
  ${
    scoped
      ? ''
      : html`<label>${t('systems.departmentCode')} <input name="department" value="${f.department ?? ''}" maxlength="32" size="12"></label>
  <label>${t('systems.region')} <select name="region">${regionOptions(t, regions, f.region ?? '', 'filter')}</select></label>
  <label>${t('systems.level')} <select name="level">${options(departmentLevels, f.level, (l) => t(`level.${l}` as MessageKey), t('common.all'))}</select></label>`
  }
  <label>${t('systems.mlps')} <select name="mlps">${options<number | 'none'>([...mlpsLevels, 'none'], f.mlps, (l) => mlpsLabel(t, l === 'none' ? null : l), t('common.all'))}</select></label>
  <label>${t('systems.network')} <select name="network">${options(systemNetworks, f.network, (n) => networkLabel(t, n), t('common.all'))}</select></label>
  <label>${t('systems.hosting')} <select name="hosting">${options(hostingKinds, f.hosting, (h) => hostingLabel(t, h), t('common.all'))}</select></label>
  <label>${t('systems.state')} <select name="state">${options([...migrationStates, 'none'] as const, f.state, (s) => stateLabel(t, s === 'none' ? null : s), t('common.all'))}</select></label>
  <label>${t('systems.wave')} <select name="wave"><option value="">${t('common.all')}</option>${waves.map((w) => html`<option value="${w.code}"${f.wave === w.code ? html` selected` : ''}>${w.name}</option>`)}</select></label>
  <label>${t('systems.flag')} <select name="flag">${options(systemFlags, f.flag, (x) => flagLabel(t, x), t('common.all'))}</select></label>
  <input type="hidden" name="sort" value="${f.sort}">
  <input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button>
  <a href="/systems">${t('common.reset')}</a>
</form>
<div id="results" hx-target="#results" hx-select="#results" hx-swap="outerHTML">
  <p class="summary"><span>${t('common.total', { count: page.total.toLocaleString('en') })}</span>
  <span class="flagged">${t('systems.flaggedCounts')} ${flagged.map(
    (x) =>
      html`<a href="${list({ ...filterParams(f), flag: x.flag })}">${flagLabel(t, x.flag)}: <b>${x.total.toLocaleString('en')}</b></a> `,
  )}</span></p>
  ${
    page.items.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table class="systems">
  <thead hx-boost="true"><tr>${header('code', t('systems.code'))}${header('name', t('systems.name'))}${header('department', t('systems.department'))}<th>${t('systems.region')}</th>${header('mlps', t('systems.mlps'))}<th>${t('systems.network')}</th><th>${t('systems.hosting')}</th>${header('state', t('systems.state'))}<th>${t('systems.wave')}</th><th>${t('systems.flags')}</th>${header('updated', t('systems.updated'))}</tr></thead>
  <tbody>${page.items.map((s) => systemRow(c, s))}</tbody>
</table>`
  }
  ${offsetPager(t, page.total, f.offset, pageSize, (offset) => list({ ...filterParams(f), sort: f.sort, order: f.order, offset }))}
</div>`;
    return c.html(layout(c, { title: t('systems.title'), body, demo, active: '/systems' }));
  });
}
