import { Hono } from 'hono';
import { html } from 'hono/html';
import { departmentLevels } from '../../core/org.ts';
import { holds } from '../../core/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { MessageKey } from '../i18n/negotiate.ts';
import type { OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { layout } from './layout.ts';

/** The overview: departments by level, the sites, and for auditors the latest audit events. */
export function homePage({ org, audit, uow }: { org: OrgService; audit: AuditService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/', async (c) => {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const [counts, sites, demo] = await Promise.all([org.countsByLevel(p), org.listSites(), isDemo(uow)]);
    const recent = holds(p, 'audit:read') ? await audit.list({ limit: 10 }) : [];
    const body = html`
<h2>${t('home.byLevel')}</h2>
<div class="cards">
  ${departmentLevels.map(
    (level) =>
      html`<a class="card-n" href="/departments?level=${level}"><b>${counts[level].toLocaleString('en')}</b>${t(`level.${level}`)}</a>`,
  )}
</div>
<h2>${t('home.sitesTitle')}</h2>
<table>
  <thead><tr><th>${t('dept.code')}</th><th>${t('dept.name')}</th><th>${t('home.siteRole')}</th></tr></thead>
  <tbody>${sites.map((s) => html`<tr><td>${s.code}</td><td>${s.name}</td><td>${t(`siteRole.${s.role}` as MessageKey)}</td></tr>`)}</tbody>
</table>
${
  recent.length
    ? html`<h2>${t('home.recentAudit')}</h2>
<table><thead><tr><th>${t('audit.at')}</th><th>${t('audit.actor')}</th><th>${t('audit.action')}</th><th>${t('audit.outcome')}</th></tr></thead>
<tbody>${recent.map((r) => html`<tr><td>${r.at}</td><td>${r.actor}</td><td>${r.action}</td><td class="outcome-${r.outcome}">${t(`outcome.${r.outcome}`)}</td></tr>`)}</tbody></table>`
    : ''
}`;
    return c.html(layout(c, { title: t('home.title'), body, demo, active: '/' }));
  });
}
