import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { LinkClass, LinkClassThresholds, LinkState } from '../../../core/link-state.ts';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { LinkAvailabilityView, LinksService, RoundView } from '../../extranet/links-service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import type { AlertOf } from '../runbooks/known-alerts.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import {
  classLabel,
  durationText,
  linkHref,
  msText,
  percentText,
  probeText,
  reasonLabel,
  stateBadge,
} from './link-labels.ts';
import { agentCell, stateCell } from './links-list.ts';
import { thresholdFields } from './thresholds.ts';

type Period = LinkAvailabilityView['days'][number];

function periodRow(p: Period, label: string): Html {
  return html`<tr><th scope="row">${label}</th><td class="num ratio">${percentText(p.ratio)}</td><td class="num">${durationText(p.downSeconds)}</td><td class="num">${durationText(p.unknownSeconds)}</td></tr>`;
}

function availabilitySection(c: Context<Env>, a: LinkAvailabilityView): Html {
  const t = c.get('t');
  const head = html`<thead><tr><th>${t('link.period')}</th><th>${t('link.ratio')}</th><th>${t('link.downTime')}</th><th>${t('link.unknownTime')}</th></tr></thead>`;
  return html`<section id="availability"><h2>${t('link.availability')}</h2>
<p class="hint">${t('link.availabilityHelp')}</p>
<dl class="facts"><dt>${t('link.today')} (${a.today.period})</dt><dd class="today">${a.today.ratio === null ? t('link.noData') : percentText(a.today.ratio)}</dd></dl>
<details><summary>${t('link.perDay')}</summary>
<table class="availability days">${head}<tbody>${[...a.days].reverse().map((d) => periodRow(d, d.period))}</tbody></table>
</details>
<h3>${t('link.perMonth')}</h3>
<table class="availability months">${head}<tbody>${[...a.months].reverse().map((m) => periodRow(m, m.period))}</tbody></table>
</section>`;
}

function roundRow(r: RoundView): Html {
  return html`<tr><td class="nowrap">${r.startedAt.slice(0, 19).replace('T', ' ')}</td><td class="num">${r.received}/${r.sent}</td>
<td class="num">${percentText(r.lossRatio)}</td><td class="num">${msText(r.rttMs?.avg ?? null)}</td><td class="num">${msText(r.jitterMs)}</td>
<td>${r.httpStatus ?? ''} ${r.error ?? ''}</td></tr>`;
}

function thresholdsTable(c: Context<Env>, th: LinkClassThresholds): Html {
  const t = c.get('t');
  return html`<table class="thresholds"><tbody>${thresholdFields.map(
    (f) => html`<tr><th scope="row">${t(`thresholds.${f}`)}</th><td class="num">${th[f]}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * The alert a link in this state raises: down pages as an upstream outage when the link is of a
 * level that carries others (backbone, city, county), as one department's outage otherwise.
 */
export function alertsForLink(link: { class: LinkClass; state: LinkState }): AlertOf<'extranet'>[] {
  if (link.state === 'down') return [link.class === 'department' ? 'ExtranetLinkDown' : 'ExtranetUpstreamLinkDown'];
  if (link.state === 'degraded') return ['ExtranetLinkDegraded'];
  return [];
}

/**
 * One link: what it is and how it is measured, its state and what explains it, availability per
 * day and month, the thresholds of its level, its state changes and latest rounds. A department
 * user may open only their own department's links (others are not found).
 */
export function linkDetailPage({ links, uow }: { links: LinksService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/extranet/links/:code', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'extranet:read');
    const t = c.get('t');
    const code = c.req.param('code');
    const link = await links.get(p, code);
    const [availability, events, rounds, classes, demo] = await Promise.all([
      links.availability(p, code),
      links.events(p, code),
      links.rounds(p, code),
      links.classes(),
      isDemo(uow),
    ]);
    const thresholds = classes.find((k) => k.class === link.class)!.thresholds;
    const notices = [
      ...(c.req.query('created') ? [t('link.created')] : []),
      ...(c.req.query('saved') ? [t('link.saved')] : []),
    ];
    const body = html`${messages(notices)}
<p class="toolbar">
  <a href="/extranet/links">${t('extranet.links')}</a>
  ${holds(p, 'extranet:write') ? html`<a class="button secondary" href="${linkHref(link.code)}/edit">${t('link.edit')}</a>` : ''}
</p>
<dl class="facts">
  <dt>${t('links.code')}</dt><dd><code>${link.code}</code></dd>
  <dt>${t('links.class')}</dt><dd>${classLabel(t, link.class)}</dd>
  <dt>${t('links.parent')}</dt><dd>${link.parent ? html`<a href="${linkHref(link.parent)}">${link.parent}</a>` : '–'}</dd>
  <dt>${t('links.region')}</dt><dd>${link.regionName ?? '–'}</dd>
  <dt>${t('links.department')}</dt><dd>${link.department ? html`<a href="/departments/${encodeURIComponent(link.department)}">${link.departmentName ?? link.department}</a>` : '–'}</dd>
  <dt>${t('links.agent')}</dt><dd>${agentCell(c, link)}</dd>
  <dt>${t('link.probe')}</dt><dd>${probeText(t, link.probe)}</dd>
  <dt>${t('links.state')}</dt><dd class="state">${stateCell(c, link)} <span class="muted">${t('links.since')}: ${utcMinute(link.since)}</span></dd>
  <dt>${t('link.lastRound')}</dt><dd>${
    link.lastRoundAt
      ? html`${utcMinute(link.lastRoundAt)} · ${t('link.figures', { loss: percentText(link.lossRatio), rtt: msText(link.rttAvgMs), jitter: msText(link.jitterMs) })}${link.error ? html` · ${link.error}` : ''}`
      : t('link.never')
  }</dd>
</dl>
${runbookLinks(t, 'extranet', alertsForLink(link))}
${availabilitySection(c, availability)}
<h2>${t('link.thresholdsInForce')}</h2>
${thresholdsTable(c, thresholds)}
<p><a href="/extranet/thresholds">${t('extranet.thresholds')}</a></p>
<h2>${t('link.history')}</h2>
${
  events.length === 0
    ? html`<p class="muted">${t('common.none')}</p>`
    : html`<table class="events"><thead><tr><th>${t('link.at')}</th><th>${t('link.from')}</th><th>${t('link.to')}</th><th>${t('link.reason')}</th></tr></thead>
<tbody>${events.map((e) => html`<tr><td class="nowrap">${e.at.slice(0, 19).replace('T', ' ')}</td><td>${stateBadge(t, e.from)}</td><td>${stateBadge(t, e.to)}</td><td>${reasonLabel(t, e.reasonCode)}</td></tr>`)}</tbody></table>`
}
<h2>${t('link.rounds')}</h2>
${
  rounds.length === 0
    ? html`<p class="muted">${t('common.none')}</p>`
    : html`<table class="rounds"><thead><tr><th>${t('link.startedAt')}</th><th>${t('link.replies')}</th><th>${t('links.loss')}</th><th>${t('links.rtt')}</th><th>${t('link.jitter')}</th><th>${t('link.error')}</th></tr></thead>
<tbody>${rounds.map(roundRow)}</tbody></table>`
}`;
    return c.html(layout(c, { title: t('link.title', { name: link.name }), body, demo, active: '/extranet' }));
  });
}
