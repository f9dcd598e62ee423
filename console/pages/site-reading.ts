import { html } from 'hono/html';
import type { Allocation } from '../../core/capacity.ts';
import { isMessageKey, type Translate } from '../i18n/negotiate.ts';
import type { Html } from './layout.ts';
import { runbookLink } from './runbooks/runbook-links.ts';

/**
 * What Kubernetes last reported for one site, as pages show it. Its fields match the usage
 * service's site status, so that service can be passed in as it is; until it is wired (or when
 * read-back is off) pages say the use was not read rather than show a zero.
 */
export type SiteReading = {
  /** What the site's department namespaces use, summed per resource; null when never read. */
  used: Allocation | null;
  /** 'ok', 'not_read', or why the last read failed: unauthorized, forbidden, unreachable, timeout, error. */
  status: string;
  /** The failure's explanation, safe to show. */
  message: string;
  observedAt: string | null;
  lastSuccessAt: string | null;
  /** The last good reading is older than three polls. */
  stale: boolean;
};

/** Reads a site's use; absent (or answering null) when read-back is not connected. */
export type ReadingOf = (site: string) => Promise<SiteReading | null>;

/** An ISO instant as the pages print times: `2026-11-21 08:00` (UTC, as the column heads say). */
export function utcMinute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** The one line under a site's heading saying where the "used" figures come from and how fresh they are. */
export function siteReadingLine(t: Translate, reading: SiteReading | null): Html {
  if (!reading || reading.status === 'not_read') {
    return html`<p class="read-status muted">${t('capacity.notRead')}</p>`;
  }
  if (reading.status === 'ok') {
    const at = utcMinute(reading.lastSuccessAt ?? reading.observedAt ?? '');
    return reading.stale
      ? html`<p class="read-status warn">${t('capacity.readStale', { at })}</p>`
      : html`<p class="read-status">${t('capacity.readAt', { at })}</p>`;
  }
  const key = `readStatus.${reading.status}`;
  const why = isMessageKey(key) ? t(key) : reading.status;
  const detail = reading.message ? `${why}: ${reading.message}` : why;
  const runbook = runbookLink(t, 'capacity', 'SiteUsageReadFailing');
  return reading.lastSuccessAt
    ? html`<p class="read-status warn" role="status">${t('capacity.readFailingSince', { since: utcMinute(reading.lastSuccessAt), detail })} ${runbook}</p>`
    : html`<p class="read-status warn" role="status">${t('capacity.readFailingNever', { detail })} ${runbook}</p>`;
}
