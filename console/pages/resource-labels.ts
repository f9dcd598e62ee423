import type { Context } from 'hono';
import { html } from 'hono/html';
import {
  type Allocation,
  type Amount,
  hasOwnLimit,
  isStorageResource,
  type ResourceKey,
  resourceOrder,
  type Side,
  storageClassOf,
  unitOf,
} from '../../core/capacity.ts';
import { Conflict } from '../../core/errors.ts';
import { displayQuantity } from '../../core/quantity.ts';
import type { Env } from '../http/env.ts';
import type { Translate } from '../i18n/negotiate.ts';
import type { Html } from './layout.ts';

/** A resource as people name it: CPU, Memory, Storage (ssd), GPU. */
export function resourceLabel(t: Translate, key: ResourceKey | string): string {
  if (key === 'cpu') return t('resource.cpu');
  if (key === 'memory') return t('resource.memory');
  if (key === 'gpu') return t('resource.gpu');
  if (isStorageResource(key)) return t('resource.storage', { class: storageClassOf(key) });
  return key;
}

export function sideLabel(t: Translate, side: Side | string): string {
  return side === 'limits' ? t('side.limits') : side === 'requests' ? t('side.requests') : side;
}

/** An exact amount for people, with its unit: `64 vCPU`, `256 GiB`, `2 TiB`, `4`. */
export function amountText(key: ResourceKey, amount: number): string {
  return displayQuantity(amount, unitOf(key));
}

/** One resource's amount in a cell: the requests, and the limits when they differ. */
export function amountCell(t: Translate, key: ResourceKey, amount: Amount | undefined): Html {
  if (!amount) return html`<span class="muted">—</span>`;
  const limits =
    hasOwnLimit(key) && amount.limits !== amount.requests
      ? html` <span class="muted">(${t('side.limits')} ${amountText(key, amount.limits)})</span>`
      : '';
  return html`${amountText(key, amount.requests)}${limits}`;
}

/** The resources an allocation names, in display order. */
export function resourcesOf(...allocations: (Allocation | null | undefined)[]): ResourceKey[] {
  const keys = new Set<ResourceKey>();
  for (const a of allocations) for (const k of Object.keys(a ?? {})) keys.add(k as ResourceKey);
  return [...keys].sort(resourceOrder);
}

/** An allocation on one line, for list rows and history: `CPU 64 vCPU · Memory 256 GiB`. */
export function allocationSummary(t: Translate, allocation: Allocation | null): Html {
  if (!allocation || Object.keys(allocation).length === 0) return html`<span class="muted">—</span>`;
  return html`${resourcesOf(allocation).map(
    (k, i) =>
      html`${i ? ' · ' : ''}<span class="nowrap">${resourceLabel(t, k)} ${amountCell(t, k, allocation[k])}</span>`,
  )}`;
}

/**
 * The ledger's refusals name a resource key and side (`storage:ssd`, `requests`); a page names
 * them in its language before the message is built, as the users page does with roles.
 */
export function namedLedgerError(c: Context<Env>, e: unknown): unknown {
  if (!(e instanceof Conflict) || (e.code !== 'over_capacity' && e.code !== 'capacity_below_allocated')) return e;
  const t = c.get('t');
  const named = new Conflict(e.code, {
    ...e.params,
    resource: resourceLabel(t, String(e.params.resource)),
    side: sideLabel(t, String(e.params.side)),
  });
  return named.with(e.details);
}
