import type { Context } from 'hono';
import { html } from 'hono/html';
import type { ResourceKey } from '../../core/capacity.ts';
import { holds, isScoped, type Principal } from '../../core/principal.ts';
import type { QuotaRequestView } from '../capacity/request-views.ts';
import type { Env } from '../http/env.ts';
import { type AmountValues, allocationValues, amountFields } from './amount-fields.ts';
import type { FormProblems } from './form-problems.ts';
import { csrfField, fieldError, type Html } from './layout.ts';

export const requestActions = ['approve', 'return', 'reject', 'resubmit', 'withdraw'] as const;
export type RequestAction = (typeof requestActions)[number];

/** A refused action, shown again in its own form with what was typed. */
export type ActionAttempt = { action: RequestAction; amounts: AmountValues; text: string; problems: FormProblems };

/**
 * Which actions the viewer is offered. Deciding is for operators who did not file the request
 * (four eyes); resubmitting and withdrawing belong to the requester's side: the department's own
 * users, or the operator who filed on its behalf. The service enforces the same rules.
 */
export function offeredActions(p: Principal, r: QuotaRequestView): Set<RequestAction> {
  const offered = new Set<RequestAction>();
  if (holds(p, 'quota:decide') && r.status === 'pending' && p.name !== r.requestedBy) {
    for (const a of ['approve', 'return', 'reject'] as const) offered.add(a);
  }
  const requesterSide = isScoped(p) ? p.department === r.department : p.name === r.requestedBy;
  if (holds(p, 'quota:request') && requesterSide) {
    if (r.status === 'returned') offered.add('resubmit');
    if (r.status === 'pending' || r.status === 'returned') offered.add('withdraw');
  }
  return offered;
}

/**
 * The forms for the actions offered, each posting the request version the viewer saw, so a
 * decision taken on a view that has since changed is refused (409) rather than applied.
 * `approveKeys` are the resources asked for (an approval may lower them, not add); `resubmitKeys`
 * also include what the site offers. Messages that belong to no input show at the top of the page.
 */
export function actionForms(
  c: Context<Env>,
  r: QuotaRequestView,
  offered: Set<RequestAction>,
  keys: { approve: ResourceKey[]; resubmit: ResourceKey[] },
  beside: (key: ResourceKey) => Html,
  attempt: ActionAttempt | undefined,
): Html {
  const t = c.get('t');
  const base = `/quota-requests/${encodeURIComponent(r.id)}`;
  const mine = (action: RequestAction) => (attempt?.action === action ? attempt : undefined);
  const errors = (action: RequestAction) => mine(action)?.problems.fields ?? {};
  const hidden = html`${csrfField(c)}<input type="hidden" name="version" value="${r.version}">`;
  const textArea = (action: RequestAction, name: string, label: string, required: boolean, initial = '') => {
    const e = errors(action);
    return html`<label>${label} <textarea name="${name}" rows="3" maxlength="${name === 'justification' ? 4000 : 2000}"${required ? html` required` : ''} aria-invalid="${e[name] ? 'true' : 'false'}">${mine(action)?.text ?? initial}</textarea>${fieldError(e[name])}</label>`;
  };
  const amounts = (action: RequestAction, keysOf: ResourceKey[]) =>
    amountFields(t, keysOf, mine(action)?.amounts ?? allocationValues(r.requested, keysOf), errors(action), beside);
  const forms: Html[] = [];
  if (offered.has('approve')) {
    forms.push(html`<form method="post" action="${base}/approve" class="stacked" id="approve">
  <h3>${t('request.approve')}</h3>${hidden}
  <p class="hint">${t('request.approveHelp')}</p>
  ${amounts('approve', keys.approve)}
  ${textArea('approve', 'note', t('request.note'), false)}
  <p><button type="submit">${t('request.approve')}</button></p>
</form>`);
  }
  if (offered.has('return')) {
    forms.push(html`<form method="post" action="${base}/return" class="stacked" id="return">
  <h3>${t('request.return')}</h3>${hidden}
  ${textArea('return', 'reason', t('request.reason'), true)}
  <p><button type="submit" class="secondary">${t('request.return')}</button></p>
</form>`);
  }
  if (offered.has('reject')) {
    forms.push(html`<form method="post" action="${base}/reject" class="stacked" id="reject">
  <h3>${t('request.reject')}</h3>${hidden}
  ${textArea('reject', 'reason', t('request.reason'), true)}
  <p><button type="submit" class="danger">${t('request.reject')}</button></p>
</form>`);
  }
  if (offered.has('resubmit')) {
    forms.push(html`<form method="post" action="${base}/resubmit" class="stacked" id="resubmit">
  <h3>${t('request.resubmit')}</h3>${hidden}
  ${amounts('resubmit', keys.resubmit)}
  ${textArea('resubmit', 'justification', t('request.justification'), true, r.justification)}
  <p><button type="submit">${t('request.resubmit')}</button></p>
</form>`);
  }
  if (offered.has('withdraw')) {
    forms.push(html`<form method="post" action="${base}/withdraw" class="stacked" id="withdraw">
  <h3>${t('request.withdraw')}</h3>${hidden}
  <p class="hint">${t('request.withdrawHelp')}</p>
  <p><button type="submit" class="secondary">${t('request.withdraw')}</button></p>
</form>`);
  }
  return forms.length ? html`<h2>${t('request.actions')}</h2><div class="actions-grid">${forms}</div>` : html``;
}
