import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { type Allocation, type ResourceKey, resourceOrder } from '../../core/capacity.ts';
import { type FieldProblem, Invalid, NotFound } from '../../core/errors.ts';
import type { Site } from '../../core/org.ts';
import { holds, isScoped, type Principal, requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import { justification as justificationRule } from '../capacity/api-schemas.ts';
import type { CapacityService, SiteCapacityView } from '../capacity/capacity-service.ts';
import type { QuotasService } from '../capacity/quotas-service.ts';
import type { QuotaRequestView } from '../capacity/request-views.ts';
import type { RequestsService } from '../capacity/requests-service.ts';
import type { Env } from '../http/env.ts';
import { zodProblems } from '../http/field-problems.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { DepartmentView, OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import {
  type AmountValues,
  allocationValues,
  amountFieldNames,
  amountFields,
  onAmountFields,
  postedAmounts,
  readAllocation,
} from './amount-fields.ts';
import { demoCapacityAssumption, productionFirst } from './capacity.ts';
import { type FormProblems, formProblems, formText, givenOrUndefined, noProblems } from './form-problems.ts';
import { csrfField, fieldError, type Html, layout } from './layout.ts';
import { messages } from './list-links.ts';
import { amountCell, resourcesOf } from './resource-labels.ts';

type Deps = {
  capacity: CapacityService;
  quotas: QuotasService;
  requests: RequestsService;
  org: OrgService;
  uow: UnitOfWork;
};

/** What the form for one department and site stands on, read before anything is changed. */
type Model = {
  department: DepartmentView;
  site: SiteCapacityView;
  /** What the department holds on the site now (empty for a first quota). */
  held: Allocation | null;
  /** The resources the form asks about: what the site offers, and anything already held. */
  keys: ResourceKey[];
  open: QuotaRequestView | undefined;
};

type Typed = { amounts: AmountValues; justification: string };

/** Checks the justification as the API does; blank is "required" rather than "too short". */
export function justificationProblems(text: string): FieldProblem[] {
  if (!givenOrUndefined(text)) return [{ field: 'justification', rule: 'required' }];
  const parsed = justificationRule.safeParse(text);
  return parsed.success ? [] : zodProblems(parsed.error, 'justification');
}

/**
 * Filing a quota request: first the department (fixed for a department user) and the site, then
 * the amounts for what that site offers, prefilled with the current allocation for a change, and
 * a justification. Amounts take quantity notation; a bare number is vCPU, GiB or whole GPUs.
 */
export function quotaRequestFormPage({ capacity, quotas, requests, org, uow }: Deps) {
  async function load(p: Principal, department: string, site: string): Promise<Model> {
    const held = await quotas.ofDepartment(p, department);
    const [dept, view, open] = await Promise.all([
      org.getDepartment(department),
      capacity.view(site),
      requests.list(p, { status: 'open', department, site, limit: 1 }),
    ]);
    const current = held.find((q) => q.site === site)?.allocation ?? null;
    const offered = view.resources.filter((r) => r.capacity > 0).map((r) => r.resource);
    const keys = [...new Set([...offered, ...resourcesOf(current)])].sort(resourceOrder);
    return { department: dept, site: view, held: current, keys, open: open.items[0] };
  }

  /** Step one: whose request and on which site. */
  function chooser(
    c: Context<Env>,
    p: Principal,
    sites: readonly Site[],
    department: string,
    site: string,
    problem?: string,
  ): Html {
    const t = c.get('t');
    return html`<form method="get" action="/quota-requests/new" class="stacked">
  ${
    isScoped(p)
      ? html`<input type="hidden" name="department" value="${p.department ?? ''}">`
      : html`<label>${t('request.department')} <input name="department" value="${department}" maxlength="32" required aria-invalid="${problem ? 'true' : 'false'}">
  <span class="hint">${t('request.departmentHelp')}</span>${fieldError(problem)}</label>`
  }
  <label>${t('quotas.site')} <select name="site" required>
    <option value="">${t('common.choose')}</option>
    ${sites.map((s) => html`<option value="${s.code}"${site === s.code ? html` selected` : ''}>${s.name} (${s.code})</option>`)}
  </select></label>
  <p><button type="submit">${t('request.continue')}</button></p>
</form>`;
  }

  /** Step two: the amounts and the justification, posted to /quota-requests. */
  async function render(c: Context<Env>, m: Model, typed: Typed, problems: FormProblems) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const demo = await isDemo(uow);
    const showFree = holds(p, 'capacity:read');
    const e = problems.fields;
    const beside = (key: ResourceKey) => {
      const r = m.site.resources.find((x) => x.resource === key);
      return html`<p class="beside">${showFree && r ? html`<span>${t('request.freeOnSite')} ${amountCell(t, key, r.free)}</span>` : ''}
<span>${t('request.heldNow')} ${amountCell(t, key, m.held?.[key])}</span></p>`;
    };
    const again = isScoped(p)
      ? '/quota-requests/new'
      : `/quota-requests/new?department=${encodeURIComponent(m.department.code)}`;
    const body = html`${messages([], problems.general)}
<dl class="facts">
  <dt>${t('request.department')}</dt><dd>${m.department.name} <code>${m.department.code}</code></dd>
  <dt>${t('quotas.site')}</dt><dd>${m.site.name} <code>${m.site.site}</code> · <a href="${again}">${t('request.otherSite')}</a></dd>
  <dt>${t('request.kind')}</dt><dd>${t(m.held ? 'requestKind.change' : 'requestKind.new')}</dd>
</dl>
${showFree ? demoCapacityAssumption(c, demo) : ''}
${
  m.open
    ? html`<p class="error" role="alert">${t('request.alreadyOpen')} <a href="/quota-requests/${encodeURIComponent(m.open.id)}">${t('request.openIt')}</a></p>`
    : html`<form method="post" action="/quota-requests" class="stacked">
  ${csrfField(c)}
  <input type="hidden" name="department" value="${m.department.code}">
  <input type="hidden" name="site" value="${m.site.site}">
  <p class="hint">${t(m.held ? 'request.changeHelp' : 'request.amountsHelp')}</p>
  ${amountFields(t, m.keys, typed.amounts, e, beside)}
  <label>${t('request.justification')} <textarea name="justification" rows="4" maxlength="4000" required aria-invalid="${e.justification ? 'true' : 'false'}">${typed.justification}</textarea>
  <span class="hint">${t('request.justificationHelp')}</span>${fieldError(e.justification)}</label>
  <p><button type="submit">${t('request.submit')}</button> <a href="/quotas/${encodeURIComponent(m.department.code)}">${t('common.cancel')}</a></p>
</form>`
}`;
    return c.html(layout(c, { title: t('request.new'), body, demo, active: '/quota-requests' }), problems.status);
  }

  return new Hono<Env>()
    .get('/quota-requests/new', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'quota:request');
      const t = c.get('t');
      const department = isScoped(p) ? (p.department ?? '') : (c.req.query('department') ?? '').trim().slice(0, 32);
      const site = (c.req.query('site') ?? '').trim().slice(0, 32);
      const sites = productionFirst(await org.listSites());
      const start = async (problem?: string) =>
        c.html(
          layout(c, {
            title: t('request.new'),
            body: chooser(c, p, sites, department, site, problem),
            demo: await isDemo(uow),
            active: '/quota-requests',
          }),
          problem ? 404 : 200,
        );
      if (!department || !sites.some((s) => s.code === site)) return start();
      try {
        const m = await load(p, department, site);
        return render(c, m, { amounts: allocationValues(m.held ?? {}, m.keys), justification: '' }, noProblems);
      } catch (e) {
        // An operator's mistyped code is a field to correct, not a dead end.
        if (e instanceof NotFound && e.code === 'department_not_found')
          return start(t('error.department_not_found', { code: department }));
        throw e;
      }
    })
    .post('/quota-requests', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'quota:request');
      const form = await c.req.parseBody();
      const department = formText(form.department).trim();
      const site = formText(form.site).trim();
      c.set('audit', { action: 'quota_request.submit', target: `department:${department}`, detail: { site } });
      const m = await load(p, department, site);
      const typed: Typed = { amounts: postedAmounts(form, m.keys), justification: formText(form.justification) };
      try {
        const { allocation, problems } = readAllocation(typed.amounts, m.keys);
        const all = [...problems, ...justificationProblems(typed.justification)];
        if (!allocation || all.length) throw new Invalid(all);
        const filed = await requests.submit(p, {
          department,
          site,
          justification: typed.justification.trim(),
          allocation,
        });
        c.set('audit', {
          action: 'quota_request.submit',
          target: `quota_request:${filed.id}`,
          detail: { department, site, allocation: filed.requested },
        });
        return c.redirect(`/quota-requests/${encodeURIComponent(filed.id)}?submitted=1`, 303);
      } catch (e) {
        return render(c, m, typed, formProblems(c, onAmountFields(e), [...amountFieldNames(m.keys), 'justification']));
      }
    });
}
