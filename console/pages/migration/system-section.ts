import type { Context } from 'hono';
import { html } from 'hono/html';
import { finalStates } from '../../../core/migration-lifecycle.ts';
import { holds } from '../../../core/principal.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { Html } from '../layout.ts';
import { utcMinute } from '../site-reading.ts';
import { stateBadge, stateName } from './labels.ts';

/**
 * The migration part of a system's detail page (/systems/:code): its current request's state,
 * wave and cutover window with a link to it, the whole history of that request, earlier requests,
 * and "request migration" while nothing is open and the viewer may draft one. Rendered by
 * pages/systems, which has already checked the viewer may see the system.
 */
export async function migrationSection(c: Context<Env>, deps: Deps, systemCode: string): Promise<Html> {
  const p = requirePrincipal(c);
  const t = c.get('t');
  const requests = await deps.migration.ofSystem(p, systemCode);
  const current = requests.find((r) => !finalStates.includes(r.state)) ?? requests[0];
  const open = requests.some((r) => !finalStates.includes(r.state));
  const history = current ? await deps.migration.history(p, current.id) : [];
  const earlier = requests.filter((r) => r !== current);
  const canRequest = !open && holds(p, 'systems:write');
  return html`<section class="migration" id="migration">
<h2>${t('migration.sectionTitle')}</h2>
${
  current
    ? html`<dl class="facts">
  <dt>${t('migration.state')}</dt><dd>${stateBadge(t, current.state)} <a href="/migration/requests/${encodeURIComponent(current.id)}">${t('migration.openRequest')}</a></dd>
  <dt>${t('migration.wave')}</dt><dd>${current.wave ? html`<a href="/migration/waves#wave-${current.wave}">${current.wave}</a>` : '—'}</dd>
  <dt>${t('migration.cutoverWindow')}</dt><dd>${current.cutoverStart ? `${utcMinute(current.cutoverStart)} – ${utcMinute(current.cutoverEnd ?? current.cutoverStart)} UTC` : '—'}</dd>
</dl>
<table class="history"><thead><tr><th>${t('audit.at')}</th><th>${t('audit.actor')}</th><th>${t('migration.from')}</th><th>${t('migration.to')}</th><th>${t('migration.comment')}</th></tr></thead>
<tbody>${history.map(
        (e) =>
          html`<tr><td class="nowrap">${utcMinute(e.at)}</td><td>${e.actor}</td><td>${e.from ? stateName(t, e.from) : '—'}</td><td>${stateName(t, e.to)}</td><td class="note">${e.comment}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">${t('migration.noRequest')}</p>`
}
${
  earlier.length
    ? html`<p>${t('migration.earlierRequests')}: ${earlier.map(
        (r, i) =>
          html`${i ? ', ' : ''}<a href="/migration/requests/${encodeURIComponent(r.id)}">${utcMinute(r.createdAt)} ${stateName(t, r.state)}</a>`,
      )}</p>`
    : ''
}
${canRequest ? html`<p><a class="button" href="/migration/requests/new?system=${encodeURIComponent(systemCode)}">${t('migration.requestMigration')}</a></p>` : ''}
</section>`;
}
