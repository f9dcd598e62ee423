import { html } from 'hono/html';
import type { Translate } from '../../i18n/negotiate.ts';
import type { Html } from '../layout.ts';
import type { AlertArea, AlertOf } from './known-alerts.ts';

/** The console page of an alert's runbook (what the alert's runbook_url points at). */
export function runbookHref<A extends AlertArea>(area: A, alert: AlertOf<A>): string {
  return `/runbooks/${area}/${alert}`;
}

/**
 * "Runbooks: ExtranetLinkDown · …" under a page's toolbar: what to do when the alerts about what
 * the page shows fire. Nothing when there are none.
 */
export function runbookLinks<A extends AlertArea>(t: Translate, area: A, alerts: readonly AlertOf<A>[]): Html {
  if (alerts.length === 0) return html``;
  return html`<p class="hint runbook-links">${t('runbooks.links')} ${alerts.map(
    (alert, i) => html`${i ? ' · ' : ''}<a href="${runbookHref(area, alert)}">${alert}</a>`,
  )}</p>`;
}

/** One short "runbook" link beside a figure the alert watches, such as a DR flag count. */
export function runbookLink<A extends AlertArea>(t: Translate, area: A, alert: AlertOf<A>): Html {
  return html`<a class="runbook-link" href="${runbookHref(area, alert)}" title="${t('runbooks.linkTitle', { alert })}">${t('runbooks.one')}</a>`;
}
