import { Hono } from 'hono';
import { html } from 'hono/html';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { MessageKey } from '../../i18n/negotiate.ts';
import { layout } from '../layout.ts';
import { hrefWith } from '../list-links.ts';
import { filterForm, filterParams, requestFilterOf } from './filters.ts';
import { stateBadge } from './labels.ts';

/** Cards per column: enough to see what moves, few enough that 1,473 systems render at once. */
export const cardsPerColumn = 12;

/**
 * The migration board: one column per stage with its count (per state inside it) and its most
 * recently moved requests as cards linking to the system and the request; a column holding more
 * links to the list filtered to it. Filters: department, region, wave, MLPS level, system text.
 */
export function boardPage({ migration, org, uow }: Pick<Deps, 'migration' | 'org' | 'uow'>) {
  return new Hono<Env>().get('/migration', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const t = c.get('t');
    const f = { ...requestFilterOf(c), state: undefined, column: undefined };
    const [columns, regions, waves, demo] = await Promise.all([
      migration.board(p, f, cardsPerColumn),
      org.listRegions(),
      migration.waves.list(),
      isDemo(uow),
    ]);
    const total = columns.reduce((n, col) => n + col.count, 0);
    const body = html`<p class="toolbar"><a href="/migration/requests">${t('migration.listTitle')}</a> · <a href="/migration/waves">${t('migration.wavesTitle')}</a>${
      holds(p, 'systems:write') ? html` · <a href="/systems">${t('migration.requestFromSystems')}</a>` : ''
    }</p>
${filterForm(c, '/migration', f, { regions, waves, withState: false })}
<div id="results">
<p class="summary">${t('common.total', { count: total.toLocaleString('en') })}</p>
<div class="board">${columns.map(
      (col) => html`<section class="board-column" id="column-${col.key}">
  <h2>${t(`migrationColumn.${col.key}` as MessageKey)} <span class="count">${col.count.toLocaleString('en')}</span></h2>
  <p class="muted states">${col.states.map((s, i) => html`${i ? ' · ' : ''}${t(`migrationState.${s.state}` as MessageKey)} ${s.count.toLocaleString('en')}`)}</p>
  <ul class="cards">${col.cards.map(
    (
      r,
    ) => html`<li class="card"><a href="/systems/${encodeURIComponent(r.system)}"><b>${r.systemName}</b></a> <code>${r.system}</code>
    <br>${stateBadge(t, r.state)} <span class="muted">${r.departmentName}</span>${r.wave ? html` · <span>${r.wave}</span>` : ''}${r.mlpsLevel ? html` · ${t('migration.mlpsLevel', { level: r.mlpsLevel })}` : ''}
    <br><a href="/migration/requests/${encodeURIComponent(r.id)}">${t('migration.openRequest')}</a></li>`,
  )}</ul>
  ${
    col.count > col.cards.length
      ? html`<p><a class="more" href="${hrefWith('/migration/requests', { ...filterParams(f), column: col.key })}">${t('migration.more', { count: (col.count - col.cards.length).toLocaleString('en') })}</a></p>`
      : ''
  }
</section>`,
    )}</div>
</div>`;
    return c.html(layout(c, { title: t('migration.boardTitle'), body, demo, active: '/migration' }));
  });
}
