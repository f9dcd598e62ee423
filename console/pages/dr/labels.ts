import { html } from 'hono/html';
import type {
  DrillResult,
  MilestoneKind,
  MilestoneStatus,
  ProtectionState,
  ReplicationMode,
  SiteStatus,
} from '../../../core/dr.ts';
import type { DrFlag } from '../../dr/service.ts';
import type { MessageKey, Translate } from '../../i18n/negotiate.ts';
import type { Html } from '../layout.ts';

/** How DR states, modes, levels and durations read on every DR page. */

// The stylesheet's status colours: green for protected, amber for on the way or drilling, red for broken.
const stateClass: Record<ProtectionState, string> = {
  unprotected: 'status-withdrawn',
  requested: 'status-pending',
  configuring: 'status-pending',
  'initial-sync': 'status-pending',
  protected: 'status-approved',
  degraded: 'status-rejected',
  drilling: 'status-pending',
  'failing-over': 'status-rejected',
  'failed-over': 'status-rejected',
  reprotecting: 'status-pending',
  'failing-back': 'status-pending',
};

export const stateLabel = (t: Translate, s: ProtectionState) => t(`drState.${s}` as MessageKey);
export const modeLabel = (t: Translate, m: ReplicationMode) => t(`drMode.${m}` as MessageKey);
export const flagLabel = (t: Translate, f: DrFlag) => t(`drFlag.${f}` as MessageKey);
export const siteStatusLabel = (t: Translate, s: SiteStatus) => t(`siteStatus.${s}` as MessageKey);
export const milestoneLabel = (t: Translate, k: MilestoneKind) => t(`milestone.${k}` as MessageKey);
export const milestoneStatusLabel = (t: Translate, s: MilestoneStatus) => t(`milestoneStatus.${s}` as MessageKey);
export const resultLabel = (t: Translate, r: DrillResult | 'planned') => t(`drillResult.${r}` as MessageKey);

/** The state as coloured text (the word carries the meaning; the colour only helps). */
export function stateBadge(t: Translate, s: ProtectionState): Html {
  return html`<span class="dr-state ${stateClass[s]}">${stateLabel(t, s)}</span>`;
}

export function resultBadge(t: Translate, r: DrillResult | null): Html {
  const klass =
    r === 'passed'
      ? 'status-approved'
      : r === 'partial'
        ? 'status-pending'
        : r
          ? 'status-rejected'
          : 'status-withdrawn';
  return html`<span class="drill-result ${klass}">${resultLabel(t, r ?? 'planned')}</span>`;
}

export function flagBadges(t: Translate, flags: readonly DrFlag[]): Html {
  return html`${flags.map((f) => html`<span class="dr-flag status-rejected">${flagLabel(t, f)}</span> `)}`;
}

/** A level as "Level 5", "below 1" (known, none met) or "unknown" (no passed drill yet). */
export function levelText(t: Translate, level: number | null): string {
  if (level === null) return t('dr.unknown');
  return level === 0 ? t('dr.belowLevel1') : t('dr.level', { level });
}

/** Seconds in the largest unit that keeps them readable: 45 s, 15 min, 4 h, 1.5 d; a dash when unknown. */
export function durationText(t: Translate, seconds: number | null): string {
  if (seconds === null) return '—';
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (seconds < 120) return t('dr.duration.s', { n: seconds });
  if (seconds < 2 * 3600) return t('dr.duration.min', { n: round(seconds / 60) });
  if (seconds < 2 * 86_400) return t('dr.duration.h', { n: round(seconds / 3600) });
  return t('dr.duration.d', { n: round(seconds / 86_400) });
}

export const systemHref = (code: string) => `/systems/${encodeURIComponent(code)}`;
export const systemDrHref = (code: string) => `/dr/systems/${encodeURIComponent(code)}`;

/** The DR area's own navigation, on top of each of its pages. */
export function drTabs(t: Translate, current: string): Html {
  const tabs: [string, MessageKey][] = [
    ['/dr', 'dr.matrixTitle'],
    ['/dr/drills', 'dr.drillsTitle'],
    ['/dr/sites', 'dr.sitesTitle'],
    ['/dr/levels', 'dr.levelsTitle'],
  ];
  return html`<p class="toolbar">${tabs.map(([href, label]) =>
    href === current ? html`<strong>${t(label)}</strong> ` : html`<a href="${href}">${t(label)}</a> `,
  )}</p>`;
}
