import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { type Allocation, type ResourceKey, resourceOrder } from '../../core/capacity.ts';
import { DomainError, type FieldProblem, Invalid } from '../../core/errors.ts';
import { holds, type Principal, requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import { reason as reasonRule, version as versionRule } from '../capacity/api-schemas.ts';
import type { CapacityService, SiteCapacityView } from '../capacity/capacity-service.ts';
import type { QuotasService } from '../capacity/quotas-service.ts';
import type { QuotaRequestEvent, QuotaRequestView } from '../capacity/request-views.ts';
import type { RequestsService } from '../capacity/requests-service.ts';
import type { Env } from '../http/env.ts';
import { zodProblems } from '../http/field-problems.ts';
import { requirePrincipal } from '../http/principal.ts';
import { isMessageKey } from '../i18n/negotiate.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { amountFieldNames, onAmountFields, postedAmounts, readAllocation } from './amount-fields.ts';
import { demoCapacityAssumption } from './capacity.ts';
import { formProblems, formText, givenOrUndefined, noProblems } from './form-problems.ts';
import { type Html, layout } from './layout.ts';
import { messages } from './list-links.ts';
import { type ActionAttempt, actionForms, offeredActions, type RequestAction } from './quota-request-actions.ts';
import { justificationProblems } from './quota-request-form.ts';
import { allocationSummary, amountCell, namedLedgerError, resourceLabel, resourcesOf } from './resource-labels.ts';
import { utcMinute } from './site-reading.ts';

type Deps = {
  requests: RequestsService;
  quotas: QuotasService;
  capacity: CapacityService;
  uow: UnitOfWork;
};

/**
 * Everything the page shows, read before an action runs. A refused approval is undone only when
 * the request's transaction rolls back, after the page is rendered, so a refusal is shown
 * against this snapshot and never against the half-made change.
 */
type Model = {
  request: QuotaRequestView;
  history: QuotaRequestEvent[];
  current: Allocation | null;
  site: SiteCapacityView;
};

const notices: Record<string, 'request.submitted' | `request.done.${RequestAction}`> = {
  submitted: 'request.submitted',
  approve: 'request.done.approve',
  return: 'request.done.return',
  reject: 'request.done.reject',
  resubmit: 'request.done.resubmit',
  withdraw: 'request.done.withdraw',
};

/** A resubmission may ask for anything the site offers, and keeps what was asked before. */
function resubmitKeys(m: Model): ResourceKey[] {
  const offered = m.site.resources.filter((x) => x.capacity > 0).map((x) => x.resource);
  return [...new Set([...offered, ...resourcesOf(m.request.requested)])].sort(resourceOrder);
}

function comparison(c: Context<Env>, m: Model, showFree: boolean): Html {
  const t = c.get('t');
  const r = m.request;
  const keys = resourcesOf(r.requested, r.approved, m.current);
  const free = (k: ResourceKey) => m.site.resources.find((x) => x.resource === k)?.free;
  return html`<table class="comparison"><thead><tr><th>${t('capacity.resource')}</th><th>${t('request.requested')}</th><th>${t('request.approved')}</th><th>${t('request.inForce')}</th>${showFree ? html`<th>${t('capacity.free')}</th>` : ''}</tr></thead>
<tbody>${keys.map(
    (k) =>
      html`<tr id="compare-${k}"><th scope="row">${resourceLabel(t, k)}</th><td class="requested">${amountCell(t, k, r.requested[k])}</td><td class="approved">${r.approved ? amountCell(t, k, r.approved[k]) : ''}</td><td class="current">${amountCell(t, k, m.current?.[k])}</td>${showFree ? html`<td>${amountCell(t, k, free(k))}</td>` : ''}</tr>`,
  )}</tbody></table>`;
}

function historyTable(c: Context<Env>, events: readonly QuotaRequestEvent[]): Html {
  const t = c.get('t');
  const action = (a: string) => {
    const key = `requestAction.${a}`;
    return isMessageKey(key) ? t(key) : a;
  };
  return html`<table class="history"><thead><tr><th>${t('audit.at')}</th><th>${t('audit.actor')}</th><th>${t('audit.action')}</th><th>${t('request.note')}</th><th>${t('request.amounts')}</th></tr></thead>
<tbody>${events.map(
    (e) =>
      html`<tr class="event-${e.action}"><td class="nowrap">${utcMinute(e.at)}</td><td>${e.actor}</td><td>${action(e.action)}</td><td class="note">${e.note ?? ''}</td><td>${e.amounts ? allocationSummary(t, e.amounts) : ''}</td></tr>`,
  )}</tbody></table>`;
}

/** The version a form was rendered with; a missing or mangled one is a field problem. */
function postedVersion(form: Record<string, unknown>): { version: number; problems: FieldProblem[] } {
  const parsed = versionRule.safeParse(Number(formText(form.version) || 'NaN'));
  return parsed.success
    ? { version: parsed.data, problems: [] }
    : { version: -1, problems: zodProblems(parsed.error, 'version') };
}

function reasonProblems(field: string, text: string, required: boolean): FieldProblem[] {
  if (!givenOrUndefined(text)) return required ? [{ field, rule: 'required' }] : [];
  const parsed = reasonRule.safeParse(text);
  return parsed.success ? [] : zodProblems(parsed.error, field);
}

/**
 * One quota request: what was asked, granted and is in force, the justification, its history,
 * and the actions the viewer may take (approve possibly less, return, reject; resubmit, withdraw).
 */
export function quotaRequestDetailPage({ requests, quotas, capacity, uow }: Deps) {
  async function load(p: Principal, id: string): Promise<Model> {
    const request = await requests.get(id, p);
    const [history, held, site] = await Promise.all([
      requests.history(p, id),
      quotas.ofDepartment(p, request.department),
      capacity.view(request.site),
    ]);
    return { request, history, current: held.find((q) => q.site === request.site)?.allocation ?? null, site };
  }

  async function render(c: Context<Env>, m: Model, attempt?: ActionAttempt) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const r = m.request;
    const demo = await isDemo(uow);
    const showFree = holds(p, 'capacity:read');
    const offered = offeredActions(p, r);
    const done = attempt ? undefined : notices[c.req.query('done') ?? (c.req.query('submitted') ? 'submitted' : '')];
    const keys = { approve: resourcesOf(r.requested), resubmit: resubmitKeys(m) };
    const beside = (k: ResourceKey) => {
      const free = m.site.resources.find((x) => x.resource === k)?.free;
      return html`<p class="beside">${showFree && free ? html`<span>${t('request.freeOnSite')} ${amountCell(t, k, free)}</span>` : ''}
<span>${t('request.heldNow')} ${amountCell(t, k, m.current?.[k])}</span></p>`;
    };
    const body = html`${messages(done ? [t(done)] : [], attempt?.problems.general ?? [])}
<dl class="facts">
  <dt>${t('request.status')}</dt><dd class="status-${r.status}">${t(`requestStatus.${r.status}`)}</dd>
  <dt>${t('request.department')}</dt><dd><a href="/quotas/${encodeURIComponent(r.department)}">${r.departmentName} <code>${r.department}</code></a></dd>
  <dt>${t('quotas.site')}</dt><dd>${m.site.name} <code>${r.site}</code></dd>
  <dt>${t('request.kind')}</dt><dd>${t(`requestKind.${r.kind}`)}</dd>
  <dt>${t('request.filedBy')}</dt><dd>${r.requestedBy} · ${utcMinute(r.createdAt)}</dd>
  ${r.decidedBy ? html`<dt>${t('request.decidedBy')}</dt><dd>${r.decidedBy}</dd>` : ''}
  ${r.reason ? html`<dt>${t(r.status === 'approved' ? 'request.note' : 'request.reason')}</dt><dd class="note">${r.reason}</dd>` : ''}
  <dt>${t('request.justification')}</dt><dd class="note">${r.justification}</dd>
</dl>
<h2>${t('request.amounts')}</h2>
${showFree ? demoCapacityAssumption(c, demo) : ''}
${comparison(c, m, showFree)}
${actionForms(c, r, offered, keys, beside, attempt)}
<h2>${t('request.history')}</h2>
${historyTable(c, m.history)}
<p><a href="/quota-requests">${t('request.backToQueue')}</a></p>`;
    return c.html(
      layout(c, {
        title: t('request.detailTitle', { department: r.departmentName, site: r.site }),
        body,
        demo,
        active: '/quota-requests',
      }),
      attempt?.problems.status ?? 200,
    );
  }

  /**
   * Runs one action from its form: reads the page's state first, then the form; on success back
   * to the page (POST, redirect, GET); on refusal the page again with the message and what was typed.
   */
  function act(
    action: RequestAction,
    permission: 'quota:decide' | 'quota:request',
    run: (
      c: Context<Env>,
      p: Principal,
      m: Model,
      form: Record<string, unknown>,
      attempt: ActionAttempt,
    ) => Promise<unknown>,
  ) {
    return async (c: Context<Env>) => {
      const p = requirePrincipal(c);
      requirePermission(p, permission);
      const id = c.req.param('id') ?? '';
      const m = await load(p, id);
      const form = await c.req.parseBody();
      const attempt: ActionAttempt = { action, amounts: {}, text: '', problems: noProblems };
      c.set('audit', { action: `quota_request.${action}`, target: `quota_request:${id}` });
      try {
        await run(c, p, m, form, attempt);
        return c.redirect(`/quota-requests/${encodeURIComponent(id)}?done=${action}`, 303);
      } catch (e) {
        const fields = [...amountFieldNames(resubmitKeys(m)), 'note', 'reason', 'justification'];
        attempt.problems = formProblems(c, namedLedgerError(c, onAmountFields(e)), fields);
        // The refusal's code goes on record with the attempt (the page, not the error, answers).
        const note = c.get('audit');
        if (note && e instanceof DomainError) c.set('audit', { ...note, detail: { ...note.detail, error: e.code } });
        return render(c, m, attempt);
      }
    };
  }

  /** Amounts typed into an approve or resubmit form, kept for showing again, then read. */
  function typedAllocation(form: Record<string, unknown>, keys: ResourceKey[], attempt: ActionAttempt) {
    attempt.amounts = postedAmounts(form, keys);
    return readAllocation(attempt.amounts, keys);
  }

  return new Hono<Env>()
    .get('/quota-requests/:id', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'quota:read');
      return render(c, await load(p, c.req.param('id')));
    })
    .post(
      '/quota-requests/:id/approve',
      act('approve', 'quota:decide', async (c, p, m, form, attempt) => {
        const { version, problems } = postedVersion(form);
        const { allocation, problems: amountProblems } = typedAllocation(
          form,
          resourcesOf(m.request.requested),
          attempt,
        );
        attempt.text = formText(form.note);
        const all = [...problems, ...amountProblems, ...reasonProblems('note', attempt.text, false)];
        if (!allocation || all.length) throw new Invalid(all);
        c.set('audit', {
          action: 'quota_request.approve',
          target: `quota_request:${m.request.id}`,
          detail: { version, allocation },
        });
        await requests.approve(p, m.request.id, { version, allocation, note: givenOrUndefined(attempt.text)?.trim() });
      }),
    )
    .post(
      '/quota-requests/:id/return',
      act('return', 'quota:decide', async (_c, p, m, form, attempt) => {
        const { version, problems } = postedVersion(form);
        attempt.text = formText(form.reason);
        const all = [...problems, ...reasonProblems('reason', attempt.text, true)];
        if (all.length) throw new Invalid(all);
        await requests.sendBack(p, m.request.id, { version, reason: attempt.text.trim() });
      }),
    )
    .post(
      '/quota-requests/:id/reject',
      act('reject', 'quota:decide', async (_c, p, m, form, attempt) => {
        const { version, problems } = postedVersion(form);
        attempt.text = formText(form.reason);
        const all = [...problems, ...reasonProblems('reason', attempt.text, true)];
        if (all.length) throw new Invalid(all);
        await requests.reject(p, m.request.id, { version, reason: attempt.text.trim() });
      }),
    )
    .post(
      '/quota-requests/:id/resubmit',
      act('resubmit', 'quota:request', async (c, p, m, form, attempt) => {
        const { version, problems } = postedVersion(form);
        const { allocation, problems: amountProblems } = typedAllocation(form, resubmitKeys(m), attempt);
        attempt.text = formText(form.justification);
        const all = [...problems, ...amountProblems, ...justificationProblems(attempt.text)];
        if (!allocation || all.length) throw new Invalid(all);
        c.set('audit', {
          action: 'quota_request.resubmit',
          target: `quota_request:${m.request.id}`,
          detail: { version, allocation },
        });
        await requests.resubmit(p, m.request.id, { version, allocation, justification: attempt.text.trim() });
      }),
    )
    .post(
      '/quota-requests/:id/withdraw',
      act('withdraw', 'quota:request', async (_c, p, m, form) => {
        const { version, problems } = postedVersion(form);
        if (problems.length) throw new Invalid(problems);
        await requests.withdraw(p, m.request.id, { version });
      }),
    );
}
