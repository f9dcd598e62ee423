import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Region } from '../../core/org.ts';
import { requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { MessageKey } from '../i18n/negotiate.ts';
import type { OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { layout } from './layout.ts';

/**
 * The province as its staff think of it: each city with its counties and how many departments
 * sit in each, every figure a link to that part of the departments list; then the sites.
 */
export function regionsPage({ org, uow }: { org: OrgService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/regions', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'org:read');
    const t = c.get('t');
    const [regions, counts, sites, demo] = await Promise.all([
      org.listRegions(),
      org.countsByRegion(p),
      org.listSites(),
      isDemo(uow),
    ]);
    const name = new Map(regions.map((r) => [r.code, r.name]));
    const below = (parent: string) => regions.filter((r) => r.parentCode === parent);
    const own = (r: Region) => counts.get(r.code) ?? 0;
    const total = (r: Region): number => own(r) + below(r.code).reduce((sum, child) => sum + total(child), 0);
    const link = (r: Region, n: number) => html`<a href="/departments?region=${r.code}">${n.toLocaleString('en')}</a>`;
    const provinces = regions.filter((r) => r.kind === 'province');

    const body = html`
${provinces.map(
  (province) => html`<p>${province.name}: ${t('regions.provincialUnits')} ${link(province, own(province))} ·
  ${t('common.total', { count: total(province).toLocaleString('en') })}</p>
<table>
  <thead><tr><th>${t('dept.city')}</th><th>${t('regions.cityDepartments')}</th><th>${t('regions.counties')}</th><th>${t('regions.total')}</th></tr></thead>
  <tbody>${below(province.code).map(
    (city) => html`<tr>
    <td>${city.name} <span class="muted">${city.code}</span></td>
    <td>${link(city, own(city))}</td>
    <td>${below(city.code).map((county) => html`<span class="county">${county.name} ${link(county, own(county))}</span> `)}</td>
    <td>${link(city, total(city))}</td>
  </tr>`,
  )}</tbody>
</table>`,
)}
<h2>${t('home.sitesTitle')}</h2>
<table>
  <thead><tr><th>${t('dept.code')}</th><th>${t('dept.name')}</th><th>${t('home.siteRole')}</th><th>${t('dept.region')}</th></tr></thead>
  <tbody>${sites.map(
    (s) =>
      html`<tr><td>${s.code}</td><td>${s.name}</td><td>${t(`siteRole.${s.role}` as MessageKey)}</td><td>${name.get(s.regionCode) ?? s.regionCode}</td></tr>`,
  )}</tbody>
</table>`;
    return c.html(layout(c, { title: t('nav.regions'), body, demo, active: '/regions' }));
  });
}
