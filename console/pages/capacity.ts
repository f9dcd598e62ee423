import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { formatRatio, hasOwnLimit, type Side } from '../../core/capacity.ts';
import { type SiteRole, siteRoles } from '../../core/org.ts';
import { holds, requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import type { ResourceView, SiteCapacityView, CapacityService } from '../capacity/capacity-service.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { MessageKey } from '../i18n/negotiate.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type Html, layout } from './layout.ts';
import { hrefWith, messages } from './list-links.ts';
import { amountText, resourceLabel, sideLabel } from './resource-labels.ts';
import { runbookLinks } from './runbooks/runbook-links.ts';
import { type ReadingOf, type SiteReading, siteReadingLine, utcMinute } from './site-reading.ts';
import { usageBar } from './usage-bar.ts';

/** Sites in the order operators think of them: production, then same-city DR, then remote DR. */
export function productionFirst<T extends { role: SiteRole }>(sites: readonly T[]): T[] {
  return [...sites].sort((a, b) => siteRoles.indexOf(a.role) - siteRoles.indexOf(b.role));
}

/** The demo's capacity figures are assumptions; wherever they show, the assumption shows too. */
export function demoCapacityAssumption(c: Context<Env>, demo: boolean): Html {
  return demo ? html`<p class="demo-assumption">${c.get('t')('capacity.demoAssumption')}</p>` : html``;
}

/** One table row per side of a resource; storage and GPUs have one (their limits are their requests). */
function resourceRows(c: Context<Env>, site: string, r: ResourceView, reading: SiteReading | null): Html {
  const t = c.get('t');
  const rowSides: Side[] = hasOwnLimit(r.resource) ? ['requests', 'limits'] : ['requests'];
  const span = rowSides.length;
  const show = (n: number) => amountText(r.resource, n);
  return html`${rowSides.map((side, i) => {
    const used = reading?.used ? (reading.used[r.resource]?.[side] ?? 0) : null;
    const head =
      i === 0
        ? html`<th scope="rowgroup" rowspan="${span}">${resourceLabel(t, r.resource)}</th><td rowspan="${span}" class="capacity">${show(r.capacity)}</td>`
        : '';
    return html`<tr id="cap-${site}-${r.resource}-${side}">${head}<td>${span > 1 ? sideLabel(t, side) : ''}</td>
<td class="ratio">× ${formatRatio(r.ratioPercent[side])}</td><td class="ceiling">${show(r.ceiling[side])}</td>
<td class="allocated">${show(r.allocated[side])}</td>
<td class="used">${used === null ? html`<span class="muted" title="${t('capacity.notRead')}">${t('capacity.usedUnknown')}</span>` : show(used)}</td>
<td class="free">${show(r.free[side])}</td><td>${usageBar(r.allocated[side], r.ceiling[side], used)}</td></tr>`;
  })}`;
}

function siteSection(c: Context<Env>, s: SiteCapacityView, reading: SiteReading | null, canWrite: boolean): Html {
  const t = c.get('t');
  return html`<section class="site" id="site-${s.site}">
<h2>${s.name} <code>${s.site}</code> <span class="muted">${t(`siteRole.${s.role}` as MessageKey)}</span></h2>
<p class="toolbar">
  <a href="${hrefWith('/quotas', { site: s.site })}">${t('capacity.holders', { count: s.departments.toLocaleString('en') })}</a>
  ${canWrite ? html`<a class="button secondary" href="/capacity/${encodeURIComponent(s.site)}/edit">${t('capacity.edit')}</a>` : ''}
</p>
<p class="hint">${t('capacity.version', { version: s.version, by: s.updatedBy, at: utcMinute(s.updatedAt) })}</p>
${siteReadingLine(t, reading)}
<table class="capacity">
<thead><tr><th>${t('capacity.resource')}</th><th>${t('capacity.capacity')}</th><th>${t('capacity.side')}</th><th>${t('capacity.ratio')}</th><th>${t('capacity.ceiling')}</th><th>${t('capacity.allocated')}</th><th>${t('capacity.used')}</th><th>${t('capacity.free')}</th><th>${t('capacity.share')}</th></tr></thead>
${s.resources.map((r) => html`<tbody>${resourceRows(c, s.site, r, reading)}</tbody>`)}
</table>
</section>`;
}

/**
 * Every site's capacity: per resource and side the capacity, ratio, ceiling, what departments
 * hold, what they use (once the clusters are read) and what is free, with a bar that turns amber
 * and red as the ceiling nears. `readingOf` is the Kubernetes read-back; without it "used" reads
 * as not read, never as zero.
 */
export function capacityPage({
  capacity,
  uow,
  readingOf,
}: {
  capacity: CapacityService;
  uow: UnitOfWork;
  readingOf?: ReadingOf;
}) {
  return new Hono<Env>().get('/capacity', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'capacity:read');
    const t = c.get('t');
    const [all, demo] = await Promise.all([capacity.list(), isDemo(uow)]);
    const sites = productionFirst(all);
    const readings = await Promise.all(sites.map((s) => (readingOf ? readingOf(s.site) : null)));
    const saved = sites.find((s) => s.site === c.req.query('saved'));
    const body = html`${messages(saved ? [t('capacity.saved', { site: saved.name })] : [])}
${demoCapacityAssumption(c, demo)}
<p class="hint">${t('capacity.legend')}</p>
${runbookLinks(t, 'capacity', ['SiteAllocationNearCeiling', 'DepartmentQuotaNearlyUsed', 'SiteUsageReadFailing'])}
${sites.map((s, i) => siteSection(c, s, readings[i] ?? null, holds(p, 'capacity:write')))}`;
    return c.html(layout(c, { title: t('capacity.title'), body, demo, active: '/capacity' }));
  });
}
