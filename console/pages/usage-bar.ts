import { html } from 'hono/html';
import type { Html } from './layout.ts';

/** Where the bar turns amber and red: the share of the ceiling already promised. */
export const warnAt = 85;
export const alarmAt = 95;

/**
 * `part / whole` as a percentage with one decimal, rounded down so a bar never overstates; a
 * part of nothing is 0 %, and any part of a zero whole is over 100 %.
 */
export function percentOf(part: number, whole: number): number {
  if (part <= 0) return 0;
  if (whole <= 0) return Infinity;
  return Math.floor((part * 1000) / whole) / 10;
}

/** How close to the ceiling: 'ok', 'warn' (≥ 85 %), 'alarm' (≥ 95 %, or more than the ceiling). */
export function fillLevel(percent: number): 'ok' | 'warn' | 'alarm' {
  return percent >= alarmAt ? 'alarm' : percent >= warnAt ? 'warn' : 'ok';
}

/** A percentage as text: `85.7 %`, or `> 100 %` when there is nothing to divide by. */
export function percentText(percent: number): string {
  return Number.isFinite(percent) ? `${percent} %` : '> 100 %';
}

const width = (percent: number) => `width: ${Math.min(100, percent)}%`;

/**
 * One side of one resource as a horizontal bar: the allocated share of the ceiling, and within
 * it the used share when the cluster has been read. The figures are in the table beside it and
 * the percentage is printed, so the bar itself is decoration for screen readers (aria-hidden);
 * the only inline style is each segment's width.
 */
export function usageBar(allocated: number, ceiling: number, used: number | null): Html {
  const promised = percentOf(allocated, ceiling);
  const level = fillLevel(promised);
  const usedBar = used === null ? '' : html`<span class="bar-used" style="${width(percentOf(used, ceiling))}"></span>`;
  return html`<div class="bar-cell"><span class="bar bar-${level}" aria-hidden="true"><span class="bar-allocated" style="${width(promised)}"></span>${usedBar}</span>
<span class="bar-figure bar-${level}">${percentText(promised)}</span></div>`;
}
