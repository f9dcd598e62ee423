import { html } from 'hono/html';
import type { LinkProbe } from '../../../core/demo-extranet.ts';
import type { LinkClass, LinkState } from '../../../core/link-state.ts';
import { isMessageKey, type MessageKey, type Translate } from '../../i18n/negotiate.ts';
import type { Html } from '../layout.ts';

/** How link states, levels and figures read on every extranet page. */

export type StateBucket = LinkState | 'affected';
export const stateBuckets: readonly StateBucket[] = ['down', 'degraded', 'up', 'unknown', 'affected'];

// The stylesheet's status colours: green for fine, amber for worse, red for broken, grey for no data.
const stateClass: Record<StateBucket, string> = {
  up: 'status-approved',
  degraded: 'status-pending',
  down: 'status-rejected',
  unknown: 'status-withdrawn',
  affected: 'status-withdrawn',
};

export function stateLabel(t: Translate, state: StateBucket): string {
  return t(`linkState.${state}` as MessageKey);
}

/** The state as coloured text (the word carries the meaning; the colour only helps). */
export function stateBadge(t: Translate, state: StateBucket): Html {
  return html`<span class="link-state ${stateClass[state]}">${stateLabel(t, state)}</span>`;
}

export function classLabel(t: Translate, linkClass: LinkClass): string {
  return t(`linkClass.${linkClass}` as MessageKey);
}

/** Why a state changed, from the stored reason code (an unknown code shows as it is). */
export function reasonLabel(t: Translate, code: string): string {
  const key = `linkReason.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

/** A ratio 0–1 as a percentage with up to two decimals (99.95 %), or a dash without data. */
export function percentText(ratio: number | null): string {
  if (ratio === null) return '–';
  return `${Math.round(ratio * 10_000) / 100} %`;
}

export function msText(ms: number | null): string {
  return ms === null ? '–' : `${Math.round(ms * 10) / 10} ms`;
}

/** Seconds as a short duration: 45 s, 12 min, 3.5 h. */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

/** The probe in one sentence. */
export function probeText(t: Translate, probe: LinkProbe): string {
  const common = { packets: probe.packets, interval: probe.intervalSeconds, timeout: probe.timeoutMs };
  if (probe.kind === 'icmp') return t('link.probe.icmp', { ...common, host: probe.host });
  if (probe.kind === 'tcp') return t('link.probe.tcp', { ...common, host: probe.host, port: probe.port });
  return t('link.probe.http', { ...common, url: probe.url });
}

export function linkHref(code: string): string {
  return `/extranet/links/${encodeURIComponent(code)}`;
}
