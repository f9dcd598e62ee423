import { html } from 'hono/html';
import type { HostingKind, SystemNetwork } from '../../../core/dr.ts';
import { isMessageKey, type Translate } from '../../i18n/negotiate.ts';
import type { SystemFlag } from '../../systems/service.ts';
import type { Html } from '../layout.ts';

/** Words and small renderings the systems pages share. */

export function systemHref(code: string): string {
  return `/systems/${encodeURIComponent(code)}`;
}

export function networkLabel(t: Translate, n: SystemNetwork): string {
  return t(`network.${n}`);
}

export function hostingLabel(t: Translate, h: HostingKind, site: string | null = null): string {
  return site ? `${t(`hosting.${h}`)} (${site})` : t(`hosting.${h}`);
}

export function mlpsLabel(t: Translate, level: number | null): string {
  return level === null ? t('systems.mlpsNone') : t('systems.mlpsLevel', { level });
}

export function flagLabel(t: Translate, f: SystemFlag): string {
  return t(`systemFlag.${f}`);
}

/** A migration state in the reader's language (the migration area's words), or "no request". */
export function stateLabel(t: Translate, state: string | null): string {
  if (state === null) return t('systems.stateNone');
  const key = `migrationState.${state}`;
  return isMessageKey(key) ? t(key) : state;
}

export function flagBadges(t: Translate, flags: readonly SystemFlag[]): Html {
  return html`${flags.map((f) => html`<span class="badge flag ${f}">${flagLabel(t, f)}</span> `)}`;
}

/** Seconds as people read RPO and RTO: 0 s, 15 min, 4 h, 1 d; "–" when not set. */
export function durationLabel(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds === 0) return '0 s';
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
