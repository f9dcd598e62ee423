import { html } from 'hono/html';
import type { Html } from './layout.ts';

export type SortOrder = 'asc' | 'desc';
type QueryValue = string | number | undefined | null;

/** A link to `path` with the given query parameters, leaving out empty ones so URLs stay short. */
export function hrefWith(path: string, params: Record<string, QueryValue>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** Reads `order`; anything but "desc" is ascending. */
export function sortOrder(value: string | undefined): SortOrder {
  return value === 'desc' ? 'desc' : 'asc';
}

/** Picks `value` when it is one of `allowed`, else undefined: URLs are edited by hand. */
export function oneOf<T extends string>(allowed: readonly T[], value: string | undefined): T | undefined {
  return allowed.find((a) => a === value);
}

/**
 * A column header that sorts the list by its column: a plain link (first click ascending, the
 * next descending), marked for screen readers with aria-sort.
 */
export function sortableHeader(
  label: string,
  column: string,
  current: { sort: string; order: SortOrder },
  hrefFor: (sort: string, order: SortOrder) => string,
): Html {
  const active = current.sort === column;
  const next: SortOrder = active && current.order === 'asc' ? 'desc' : 'asc';
  const aria = active ? (current.order === 'asc' ? 'ascending' : 'descending') : 'none';
  const arrow = active ? (current.order === 'asc' ? ' ▲' : ' ▼') : '';
  return html`<th aria-sort="${aria}"><a href="${hrefFor(column, next)}">${label}${arrow}</a></th>`;
}

/** Messages above a form or list: notices in green, problems in red. */
export function messages(notices: readonly string[], problems: readonly string[] = []): Html {
  return html`${notices.map((n) => html`<p class="notice" role="status">${n}</p>`)}${problems.map(
    (p) => html`<p class="error" role="alert">${p}</p>`,
  )}`;
}
