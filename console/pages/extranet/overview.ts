import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { ExtranetOverview, LinksService } from '../../extranet/links-service.ts';
import type { OverviewLink, RegionCounts, StateCounts } from '../../extranet/extranet-overview.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith } from '../list-links.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import { classLabel, linkHref, msText, percentText, stateBadge, stateBuckets, stateLabel } from './link-labels.ts';

/** A count that opens the list it counts; zero stays plain text. */
function countLink(n: number, params: Record<string, string | undefined>): Html {
  return n ? html`<a href="${hrefWith('/extranet/links', params)}">${n.toLocaleString('en')}</a>` : html`0`;
}

function countCells(counts: StateCounts, params: Record<string, string | undefined>): Html {
  // Affected links are listed by the region or level, not by a state of their own.
  return html`${stateBuckets.map(
    (s) =>
      html`<td class="num state-${s}">${s === 'affected' ? counts[s].toLocaleString('en') : countLink(counts[s], { ...params, state: s })}</td>`,
  )}`;
}

function stateHeaders(c: Context<Env>): Html {
  const t = c.get('t');
  return html`${stateBuckets.map((s) => html`<th>${stateLabel(t, s)}</th>`)}`;
}

function regionRow(c: Context<Env>, r: RegionCounts, label: Html | string): Html {
  return html`<tr id="region-${r.region}"><th scope="row">${label}</th>${countCells(r.counts, { region: r.region })}<td class="num">${countLink(r.links, { region: r.region })}</td></tr>`;
}

/** The tree of cities and counties: one <details> per city, readable and foldable without JavaScript. */
function regionTree(c: Context<Env>, tree: ExtranetOverview['tree']): Html {
  const t = c.get('t');
  const head = html`<thead><tr><th>${t('links.region')}</th>${stateHeaders(c)}<th>${t('extranet.total')}</th></tr></thead>`;
  return html`<table class="region-counts">${head}<tbody>${regionRow(c, tree.province, t('extranet.provinceLevel'))}</tbody></table>
${tree.cities.map(
  (
    city,
  ) => html`<details class="city" id="city-${city.region}"${city.counts.down || city.counts.affected ? html` open` : ''}>
<summary><b>${city.name}</b> ${stateBuckets
    .filter((s) => city.counts[s] > 0)
    .map((s) => html`<span class="count">${stateBadge(t, s)} ${city.counts[s].toLocaleString('en')}</span> `)}</summary>
<table class="region-counts">${head}<tbody>${regionRow(c, city, city.name)}${city.counties.map((county) => regionRow(c, county, html`<span class="county">${county.name}</span>`))}</tbody></table>
</details>`,
)}`;
}

function worstTable(c: Context<Env>, title: string, links: OverviewLink[], figure: (l: OverviewLink) => Html | string) {
  const t = c.get('t');
  return html`<section class="worst"><h3>${title}</h3>${
    links.length === 0
      ? html`<p class="muted">${t('common.none')}</p>`
      : html`<table><tbody>${links.map(
          (l) =>
            html`<tr><td><a href="${linkHref(l.code)}">${l.code}</a></td><td>${l.name}</td><td class="num">${figure(l)}</td></tr>`,
        )}</tbody></table>`
  }</section>`;
}

/**
 * The network at a glance for network staff: counts per level and state where a cut upstream
 * link reads as one incident, the incidents, the tree by city and county, and the worst links.
 */
export function extranetOverviewPage({ links, uow }: { links: LinksService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/extranet', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'extranet:read');
    const t = c.get('t');
    const [o, demo] = await Promise.all([links.overview(p), isDemo(uow)]);
    const body = html`
<p class="toolbar">
  <a href="/extranet/links">${t('extranet.links')}</a>
  <a href="/extranet/thresholds">${t('extranet.thresholds')}</a>
  ${holds(p, 'extranet:write') ? html`<a class="button" href="/extranet/links/new">${t('extranet.newLink')}</a>` : ''}
</p>
${runbookLinks(t, 'extranet', ['ExtranetUpstreamLinkDown', 'ExtranetLinkDown', 'ExtranetLinkDegraded'])}
<div class="cards">
  <a class="card-n" href="/extranet/links"><b>${o.totals.links.toLocaleString('en')}</b>${t('extranet.linksCard')}</a>
  <a class="card-n" href="#incidents"><b>${o.totals.incidents.toLocaleString('en')}</b>${t('extranet.incidentsCard')}</a>
  ${stateBuckets.map(
    (s) =>
      html`<a class="card-n" href="${s === 'affected' ? '#incidents' : hrefWith('/extranet/links', { state: s })}"><b>${o.totals.counts[s].toLocaleString('en')}</b>${stateBadge(t, s)}</a>`,
  )}
</div>
<p class="hint">${t('extranet.countingNote')} ${o.totals.counts.unknown === o.totals.links ? t('extranet.unknownNote') : ''}</p>
${o.cycles.length ? html`<p class="error" role="alert">${t('extranet.cycles', { codes: o.cycles.join(', ') })}</p>` : ''}

<h2>${t('extranet.byClass')}</h2>
<table class="by-class">
  <thead><tr><th>${t('extranet.level')}</th>${stateHeaders(c)}<th>${t('extranet.total')}</th></tr></thead>
  <tbody>${o.byClass.map(
    (k) =>
      html`<tr id="class-${k.class}"><th scope="row">${classLabel(t, k.class)}</th>${countCells(k.counts, { class: k.class })}<td class="num">${countLink(k.links, { class: k.class })}</td></tr>`,
  )}</tbody>
</table>

<h2 id="incidents">${t('extranet.incidents')}</h2>
${
  o.incidents.length === 0
    ? html`<p class="muted">${t('extranet.noIncidents')}</p>`
    : html`<table class="incidents"><thead><tr><th>${t('extranet.rootLink')}</th><th>${t('links.name')}</th><th>${t('links.class')}</th><th>${t('extranet.downSince')}</th><th>${t('extranet.affectedCount')}</th></tr></thead>
<tbody>${o.incidents.map(
        (i) =>
          html`<tr><td><a href="${linkHref(i.root.code)}">${i.root.code}</a></td><td>${i.root.name}</td><td>${classLabel(t, i.root.class)}</td><td>${utcMinute(i.root.since)}</td><td class="num">${i.affectedCount.toLocaleString('en')}</td></tr>`,
      )}</tbody></table>`
}

<h2>${t('extranet.tree')}</h2>
${regionTree(c, o.tree)}

<h2>${t('extranet.worst')}</h2>
<div class="worst-lists">
${worstTable(c, t('extranet.worstLoss'), o.worst.loss, (l) => percentText(l.lossRatio))}
${worstTable(c, t('extranet.worstRtt'), o.worst.rtt, (l) => msText(l.rttAvgMs))}
${worstTable(c, t('extranet.longestDown'), o.worst.longestDown, (l) => utcMinute(l.since))}
</div>`;
    return c.html(layout(c, { title: t('extranet.title'), body, demo, active: '/extranet' }));
  });
}
