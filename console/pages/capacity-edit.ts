import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { formatRatio, hasOwnLimit, type ResourceKey, unitOf } from '../../core/capacity.ts';
import { Invalid } from '../../core/errors.ts';
import { requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import { type CapacityService, capacityUpdate, type SiteCapacityView } from '../capacity/capacity-service.ts';
import type { Env } from '../http/env.ts';
import { zodProblems } from '../http/field-problems.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { fieldQuantity, formQuantity } from './amount-fields.ts';
import { demoCapacityAssumption } from './capacity.ts';
import { type FormProblems, formProblems, formText, noProblems } from './form-problems.ts';
import { csrfField, fieldError, layout } from './layout.ts';
import { messages } from './list-links.ts';
import { amountText, namedLedgerError, resourceLabel } from './resource-labels.ts';

/** One row of the form as typed; `ratio` is both sides' ratio for storage and GPUs. */
type Row = { resource: string; capacity: string; requests: string; limits: string; remove: boolean };
type Values = { version: string; rows: Row[]; added: { resource: string; capacity: string; ratio: string } };

const maxRows = 64;

function valuesOf(view: SiteCapacityView): Values {
  return {
    version: String(view.version),
    rows: view.resources.map((r) => ({
      resource: r.resource,
      capacity: formQuantity(r.capacity, r.unit),
      requests: formatRatio(r.ratioPercent.requests),
      limits: formatRatio(r.ratioPercent.limits),
      remove: false,
    })),
    added: { resource: '', capacity: '', ratio: '' },
  };
}

async function postedValues(c: Context<Env>): Promise<Values> {
  const form = await c.req.parseBody();
  const rows: Row[] = [];
  for (let i = 0; i < maxRows && typeof form[`resource-${i}`] === 'string'; i++) {
    const resource = formText(form[`resource-${i}`]);
    const own = hasOwnLimit(resource as ResourceKey);
    rows.push({
      resource,
      capacity: formText(form[`capacity-${i}`]).trim(),
      requests: formText(form[own ? `ratioRequests-${i}` : `ratio-${i}`]).trim(),
      limits: formText(form[own ? `ratioLimits-${i}` : `ratio-${i}`]).trim(),
      remove: form[`remove-${i}`] === 'on',
    });
  }
  return {
    version: formText(form.version),
    rows,
    added: {
      resource: formText(form.newResource).trim(),
      capacity: formText(form.newCapacity).trim(),
      ratio: formText(form.newRatio).trim(),
    },
  };
}

/**
 * The service's input from the form, and for each resource it lists the input names its errors
 * belong to (rows the operator removed are left out, so indexes shift).
 */
function updateInput(values: Values) {
  const fieldsOf: { resource: string; capacity: string; requests: string; limits: string }[] = [];
  const resources: { resource: string; capacity: string; ratio: { requests?: string; limits?: string } }[] = [];
  values.rows.forEach((r, i) => {
    if (r.remove) return;
    const own = hasOwnLimit(r.resource as ResourceKey);
    resources.push({
      resource: r.resource,
      capacity: fieldQuantity(r.capacity, unitOf(r.resource as ResourceKey)),
      ratio: { requests: r.requests || undefined, limits: r.limits || undefined },
    });
    fieldsOf.push({
      resource: `capacity-${i}`,
      capacity: `capacity-${i}`,
      requests: own ? `ratioRequests-${i}` : `ratio-${i}`,
      limits: own ? `ratioLimits-${i}` : `ratio-${i}`,
    });
  });
  const added = values.added;
  if (added.resource || added.capacity) {
    // A storage class is typed by its name; `gpu` adds GPUs.
    const resource = added.resource === 'gpu' ? 'gpu' : `storage:${added.resource}`;
    resources.push({
      resource,
      capacity: fieldQuantity(added.capacity, resource === 'gpu' ? 'count' : 'bytes'),
      ratio: { requests: added.ratio || undefined, limits: added.ratio || undefined },
    });
    fieldsOf.push({ resource: 'newResource', capacity: 'newCapacity', requests: 'newRatio', limits: 'newRatio' });
  }
  const parsed = capacityUpdate.safeParse({ version: Number(values.version), resources });
  if (parsed.success) return parsed.data;
  // `resources.2.ratio.limits` → the input it came from.
  const problems = zodProblems(parsed.error).map((p) => {
    const [top, index, field, side] = p.field.split('.');
    const row = top === 'resources' ? fieldsOf[Number(index)] : undefined;
    if (!row) return p;
    const name =
      field === 'ratio'
        ? row[side === 'limits' ? 'limits' : 'requests']
        : field === 'resource'
          ? row.resource
          : row.capacity;
    return { ...p, field: name };
  });
  throw new Invalid(problems);
}

/** Editing one site's capacity and overcommit ratios, for holders of capacity:write. */
export function capacityEditPage({ capacity, uow }: { capacity: CapacityService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, view: SiteCapacityView, values: Values, problems: FormProblems) {
    const t = c.get('t');
    const demo = await isDemo(uow);
    const e = problems.fields;
    const allocated = new Map(view.resources.map((r) => [r.resource, r]));
    const input = (name: string, value: string, label: string, size = 10) =>
      html`<input name="${name}" value="${value}" size="${size}" maxlength="64" autocomplete="off" spellcheck="false" aria-label="${label}" aria-invalid="${e[name] ? 'true' : 'false'}">${fieldError(e[name])}`;
    const unitHint = (key: string) =>
      key === 'cpu' ? t('amount.unitCpu') : key === 'gpu' ? t('amount.unitCount') : t('amount.unitBytes');
    const body = html`${messages([], problems.general)}
${demoCapacityAssumption(c, demo)}
<p class="hint">${t('capacity.editHelp')}</p>
<form method="post" action="/capacity/${encodeURIComponent(view.site)}/edit" class="stacked wide">
  ${csrfField(c)}
  <input type="hidden" name="version" value="${values.version}">
  <table class="capacity-edit">
  <thead><tr><th>${t('capacity.resource')}</th><th>${t('capacity.capacity')}</th><th>${t('capacity.ratioRequests')}</th><th>${t('capacity.ratioLimits')}</th><th>${t('capacity.allocated')}</th><th>${t('capacity.remove')}</th></tr></thead>
  <tbody>${values.rows.map((r, i) => {
    const key = r.resource as ResourceKey;
    const label = resourceLabel(t, key);
    const held = allocated.get(key);
    const own = hasOwnLimit(key);
    return html`<tr><th scope="row">${label}<input type="hidden" name="resource-${i}" value="${r.resource}"></th>
<td>${input(`capacity-${i}`, r.capacity, `${label} ${t('capacity.capacity')}`)} <span class="unit">${unitHint(r.resource)}</span></td>
${
  own
    ? html`<td>${input(`ratioRequests-${i}`, r.requests, `${label} ${t('capacity.ratioRequests')}`, 5)}</td><td>${input(`ratioLimits-${i}`, r.limits, `${label} ${t('capacity.ratioLimits')}`, 5)}</td>`
    : html`<td colspan="2">${input(`ratio-${i}`, r.requests, `${label} ${t('capacity.ratio')}`, 5)}</td>`
}
<td>${held ? amountText(key, held.allocated.requests) : ''}${held && own ? html` / ${amountText(key, held.allocated.limits)}` : ''}</td>
<td>${own ? '' : html`<label class="check"><input type="checkbox" name="remove-${i}"${r.remove ? html` checked` : ''}> ${t('capacity.remove')}</label>`}</td></tr>`;
  })}
  <tr><th scope="row"><label>${t('capacity.addResource')} ${input('newResource', values.added.resource, t('capacity.addResource'), 12)}</label></th>
  <td>${input('newCapacity', values.added.capacity, t('capacity.capacity'))} <span class="unit">${t('amount.unitBytes')}</span></td>
  <td colspan="2">${input('newRatio', values.added.ratio, t('capacity.ratio'), 5)}</td><td></td><td></td></tr>
  </tbody></table>
  <p class="hint">${t('capacity.addHelp')}</p>
  <p><button type="submit">${t('common.save')}</button> <a href="/capacity#site-${view.site}">${t('common.cancel')}</a></p>
</form>`;
    return c.html(
      layout(c, { title: t('capacity.editTitle', { site: view.name }), body, demo, active: '/capacity' }),
      problems.status,
    );
  }

  return new Hono<Env>()
    .get('/capacity/:site/edit', async (c) => {
      requirePermission(requirePrincipal(c), 'capacity:write');
      const view = await capacity.view(c.req.param('site'));
      return render(c, view, valuesOf(view), noProblems);
    })
    .post('/capacity/:site/edit', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'capacity:write');
      const site = c.req.param('site');
      // Read before the change: a refused edit is shown against the capacity as it stands.
      const view = await capacity.view(site);
      const values = await postedValues(c);
      c.set('audit', { action: 'capacity.update', target: `site:${site}`, detail: { version: values.version } });
      try {
        const input = updateInput(values);
        c.set('audit', { action: 'capacity.update', target: `site:${site}`, detail: { ...input } });
        await capacity.update(site, input, p);
        return c.redirect(`/capacity?saved=${encodeURIComponent(site)}#site-${encodeURIComponent(site)}`, 303);
      } catch (e) {
        const names = values.rows.flatMap((_, i) => [
          `capacity-${i}`,
          `ratio-${i}`,
          `ratioRequests-${i}`,
          `ratioLimits-${i}`,
        ]);
        const problems = formProblems(c, namedLedgerError(c, e), [...names, 'newResource', 'newCapacity', 'newRatio']);
        return render(c, view, values, problems);
      }
    });
}
