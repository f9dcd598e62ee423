import { html } from 'hono/html';
import type { Translate } from '../i18n/negotiate.ts';
import type { Html } from './layout.ts';

/** The furthest a page link may point; the lists it serves hold thousands of rows, not millions. */
const maxOffset = 1_000_000;

/** Reads `offset` from the URL: a whole number from 0, anything else the first page. */
export function offsetOf(text: string | undefined): number {
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? Math.min(n, maxOffset) : 0;
}

/**
 * Where the page sits in the list and links to the first, previous and next pages, for lists the
 * service pages by offset (they can sort by amounts, which a keyset cursor would not follow).
 */
export function offsetPager(
  t: Translate,
  total: number,
  offset: number,
  size: number,
  hrefFor: (offset: number | undefined) => string,
): Html {
  const shown = Math.max(0, Math.min(size, total - offset));
  const previous = Math.max(0, offset - size);
  return html`<nav class="pager" hx-boost="true" aria-label="${t('common.pages')}">
    ${shown ? html`<span class="muted">${t('common.showing', { from: (offset + 1).toLocaleString('en'), to: (offset + shown).toLocaleString('en'), count: total.toLocaleString('en') })}</span>` : ''}
    ${offset > 0 ? html`<a href="${hrefFor(undefined)}">${t('common.first')}</a>` : ''}
    ${offset > 0 ? html`<a href="${hrefFor(previous || undefined)}" rel="prev">${t('common.previous')}</a>` : ''}
    ${offset + size < total ? html`<a href="${hrefFor(offset + size)}" rel="next">${t('common.next')}</a>` : ''}
  </nav>`;
}
