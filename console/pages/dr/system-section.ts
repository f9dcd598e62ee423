import type { Context } from 'hono';
import { html } from 'hono/html';
import { protectionStates, replicationModes } from '../../../core/dr.ts';
import { holds } from '../../../core/principal.ts';
import type { Deps } from '../../deps.ts';
import type { DrillView, DrSiteView, FollowUpView, ProtectionView } from '../../dr/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { type FormProblems, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html } from '../layout.ts';
import { messages } from '../list-links.ts';
import { utcMinute } from '../site-reading.ts';
import {
  durationText,
  flagLabel,
  levelText,
  modeLabel,
  resultBadge,
  resultLabel,
  stateBadge,
  stateLabel,
} from './labels.ts';

export const protectionFields = ['mode', 'state', 'lagSeconds', 'lastRecoveryPoint', 'version'] as const;
export type ProtectionValues = Record<(typeof protectionFields)[number], string>;

/** A protection form that came back refused: which site, what was typed, what was wrong. */
export type EditedProtection = { site: string; values: ProtectionValues; problems: FormProblems };

function valuesOf(p: ProtectionView | undefined): ProtectionValues {
  return {
    mode: p?.mode ?? '',
    state: p?.state ?? 'requested',
    lagSeconds: p?.lagSeconds === null || p?.lagSeconds === undefined ? '' : String(p.lagSeconds),
    lastRecoveryPoint: p?.lastRecoveryPoint ?? '',
    version: p ? String(p.version) : '',
  };
}

function protectionRow(c: Context<Env>, p: ProtectionView): Html {
  const t = c.get('t');
  const flags = [
    p.targetNotMet ? flagLabel(t, 'target-not-met') : '',
    p.lagAboveRpo ? flagLabel(t, 'lag-above-rpo') : '',
  ].filter(Boolean);
  return html`<tr id="protection-${p.site}"><th scope="row">${p.siteName}</th><td>${stateBadge(t, p.state)}</td><td>${modeLabel(t, p.mode)}</td>
<td class="num">${durationText(t, p.lagSeconds)} <small class="muted">(${t('dr.rpo')} ${durationText(t, p.rpoSeconds)})</small></td>
<td class="nowrap">${p.lastRecoveryPoint ? utcMinute(p.lastRecoveryPoint) : '—'}</td>
<td class="level">${levelText(t, p.achievedLevel)} / ${levelText(t, p.targetLevel)}</td>
<td>${flags.map((f) => html`<span class="dr-flag status-rejected">${f}</span> `)}</td>
<td><small class="muted">${t('dr.version', { version: p.version })} · ${t('dr.updated', { at: utcMinute(p.updatedAt), by: p.updatedBy })}</small></td></tr>`;
}

function protectionForm(
  c: Context<Env>,
  code: string,
  site: DrSiteView,
  values: ProtectionValues,
  problems: FormProblems,
): Html {
  const t = c.get('t');
  const e = problems.fields;
  const select = (name: 'mode' | 'state', options: readonly string[], label: (v: never) => string) =>
    html`<select name="${name}" aria-invalid="${e[name] ? 'true' : 'false'}">${name === 'mode' ? html`<option value="">${t('common.choose')}</option>` : ''}${options.map(
      (o) => html`<option value="${o}"${values[name] === o ? html` selected` : ''}>${label(o as never)}</option>`,
    )}</select>`;
  return html`<form method="post" action="/dr/systems/${encodeURIComponent(code)}/protections/${encodeURIComponent(site.code)}" class="stacked" id="protection-form-${site.code}">
  ${csrfField(c)}
  <fieldset><legend>${t('dr.editProtection', { site: site.name })}</legend>
  ${messages([], problems.general)}
  <input type="hidden" name="version" value="${values.version}">
  <label>${t('dr.mode')} ${select('mode', replicationModes, (m) => modeLabel(t, m))}${fieldError(e.mode)}</label>
  <label>${t('dr.state')} ${select('state', protectionStates, (s) => stateLabel(t, s))}${fieldError(e.state)}</label>
  <label>${t('dr.lagSeconds')} <input name="lagSeconds" value="${values.lagSeconds}" inputmode="numeric" size="8" aria-invalid="${e.lagSeconds ? 'true' : 'false'}">${fieldError(e.lagSeconds)}</label>
  <label>${t('dr.recoveryPoint')} <input name="lastRecoveryPoint" value="${values.lastRecoveryPoint}" size="24" aria-invalid="${e.lastRecoveryPoint ? 'true' : 'false'}">
    <span class="hint">${t('dr.recoveryPointHelp')}</span>${fieldError(e.lastRecoveryPoint)}</label>
  <p><button type="submit">${t('common.save')}</button></p>
  </fieldset>
</form>`;
}

/** Measured beside target, as operators compare them: "75 min (target 4 h)". */
function measuredVsTarget(c: Context<Env>, measured: number | null, target: number | null): string {
  const t = c.get('t');
  return t('dr.measuredVsTarget', { measured: durationText(t, measured), target: durationText(t, target) });
}

function drillRow(c: Context<Env>, d: DrillView, canWrite: boolean): Html {
  const t = c.get('t');
  return html`<tr id="drill-${d.id}"><td class="nowrap">${d.plannedOn}</td><td>${d.siteName}</td>
<td class="nowrap">${d.executedAt ? utcMinute(d.executedAt) : '—'}</td><td>${resultBadge(t, d.result)}</td>
<td class="rto">${measuredVsTarget(c, d.measuredRtoSeconds, d.targetRtoSeconds)}</td>
<td class="rpo">${measuredVsTarget(c, d.measuredRpoSeconds, d.targetRpoSeconds)}</td>
<td>${d.evidence}${d.attachments.length ? html`<br><small class="muted">${d.attachments.join(' · ')}</small>` : ''}</td>
<td>${d.executedAt ? (d.cleanupConfirmed ? t('common.yes') : t('common.no')) : ''}</td>
<td>${canWrite ? html`<a href="/dr/drills/${d.id}/record">${t('dr.record')}</a>` : ''}</td></tr>`;
}

function followUpItem(c: Context<Env>, f: FollowUpView, siteNames: Map<string, string>, canWrite: boolean): Html {
  const t = c.get('t');
  const head =
    f.drillResult && f.drillSite
      ? t('dr.followUpFromDrill', {
          site: siteNames.get(f.drillSite) ?? f.drillSite,
          result: resultLabel(t, f.drillResult),
        })
      : '';
  return html`<li id="follow-up-${f.id}" class="${f.status}"><strong>${head}</strong> ${f.text}
<small class="muted">${utcMinute(f.createdAt)} · ${f.status === 'open' ? t('dr.followUpOpen') : t('dr.followUpClosedBy', { at: utcMinute(f.closedAt ?? f.createdAt), by: f.closedBy ?? '' })}</small>
${
  canWrite && f.status === 'open'
    ? html`<form method="post" action="/dr/follow-ups/${f.id}/close" class="inline">${csrfField(c)}<button type="submit">${t('dr.close')}</button></form>`
    : ''
}</li>`;
}

/**
 * The DR part of a system's detail page (/systems/:code): its protection per DR site (state,
 * mode, lag, recovery point, achieved level, flags), for operators a form per DR site, its drills
 * with measured RTO/RPO beside the targets, and its follow-ups with close buttons. Rendered by
 * pages/systems, and on its own at /dr/systems/:code (where a refused form comes back).
 */
export async function drSection(
  c: Context<Env>,
  deps: Deps,
  systemCode: string,
  edited?: EditedProtection,
): Promise<Html> {
  const t = c.get('t');
  const p = requirePrincipal(c);
  const canWrite = holds(p, 'dr:write');
  const [protections, { drills, followUps }, sites] = await Promise.all([
    deps.dr.protections(p, systemCode),
    deps.dr.systemDrills(p, systemCode),
    deps.dr.sites(),
  ]);
  const drSites = sites.filter((s) => s.role !== 'production');
  const siteNames = new Map(sites.map((s) => [s.code, s.name]));
  const saved = c.req.query('dr');
  const notices =
    saved === 'protection' ? [t('dr.protectionSaved')] : saved === 'closed' ? [t('dr.followUpClosed')] : [];
  return html`<section id="dr" class="dr-section">
<h2>${t('dr.protections')}</h2>
${messages(notices)}
${
  protections.length
    ? html`<table class="dr-protections"><thead><tr><th>${t('dr.site')}</th><th>${t('dr.state')}</th><th>${t('dr.mode')}</th><th>${t('dr.lag')}</th><th>${t('dr.recoveryPoint')}</th><th>${t('dr.achievedVsTarget')}</th><th>${t('dr.flags')}</th><th></th></tr></thead>
<tbody>${protections.map((x) => protectionRow(c, x))}</tbody></table>`
    : html`<p class="muted">${t('dr.noProtections')}</p>`
}
${
  canWrite
    ? html`<div class="actions-grid">${drSites.map((s) =>
        edited?.site === s.code
          ? protectionForm(c, systemCode, s, edited.values, edited.problems)
          : protectionForm(c, systemCode, s, valuesOf(protections.find((x) => x.site === s.code)), noProblems),
      )}</div>`
    : ''
}
<h2>${t('dr.drills')}</h2>
${
  drills.length
    ? html`<table class="dr-drills"><thead><tr><th>${t('dr.plannedOn')}</th><th>${t('dr.site')}</th><th>${t('dr.executedAt')}</th><th>${t('dr.result')}</th><th>${t('dr.rto')}</th><th>${t('dr.rpo')}</th><th>${t('dr.evidence')}</th><th>${t('dr.cleanup')}</th><th></th></tr></thead>
<tbody>${drills.map((d) => drillRow(c, d, canWrite))}</tbody></table>`
    : html`<p class="muted">${t('dr.noDrills')}</p>`
}
${canWrite ? html`<p><a href="/dr/drills?system=${encodeURIComponent(systemCode)}#plan">${t('dr.planDrill')}</a></p>` : ''}
<h2>${t('dr.followUps')}</h2>
${
  followUps.length
    ? html`<ul class="follow-ups">${followUps.map((f) => followUpItem(c, f, siteNames, canWrite))}</ul>`
    : html`<p class="muted">${t('dr.noFollowUps')}</p>`
}
</section>`;
}
