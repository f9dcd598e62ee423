import { html } from 'hono/html';
import { type Allocation, hasOwnLimit, type ResourceKey, type Side, unitOf } from '../../core/capacity.ts';
import { type FieldProblem, Invalid } from '../../core/errors.ts';
import { formatQuantity, type QuantityUnit } from '../../core/quantity.ts';
import { allocationInput } from '../capacity/allocation-input.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { Translate } from '../i18n/negotiate.ts';
import { formText } from './form-problems.ts';
import { fieldError, type Html } from './layout.ts';
import { resourceLabel } from './resource-labels.ts';

/**
 * The amount inputs of the quota forms (request, approve, resubmit) and how they read back.
 * Each input is named without dots (`cpu-requests`, `memory-limits`, `storage:ssd`, `gpu`) so
 * the form-problem helper, which keys fields by their first dotted segment, can place the
 * service's `allocation.memory.requests` beside the right input.
 */
export type AmountValues = Record<string, string>;

/** The inputs one resource has: requests and limits for CPU and memory, one amount otherwise. */
export function amountInputs(key: ResourceKey): { name: string; side: Side }[] {
  return hasOwnLimit(key)
    ? [
        { name: `${key}-requests`, side: 'requests' },
        { name: `${key}-limits`, side: 'limits' },
      ]
    : [{ name: key, side: 'requests' }];
}

export function amountFieldNames(keys: readonly ResourceKey[]): string[] {
  return keys.flatMap((k) => amountInputs(k).map((i) => i.name));
}

/**
 * What a bare number means in a form: vCPU for CPU, GiB for memory and storage (nobody asks for
 * 256 bytes), whole units for GPUs. Anything with a suffix is Kubernetes notation as it stands.
 */
export function fieldQuantity(text: string, unit: QuantityUnit): string {
  const trimmed = text.trim();
  return unit === 'bytes' && /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}Gi` : trimmed;
}

/**
 * An exact amount as a form prefills it, so that reading it back gives the same amount: the
 * canonical quantity (`256Gi`, `2Ti`, `500m`); a byte count with no exact suffix gets an `e0`
 * exponent, since a bare number in a byte field would read as GiB.
 */
export function formQuantity(amount: number, unit: QuantityUnit): string {
  const text = formatQuantity(amount, unit);
  return unit === 'bytes' && amount !== 0 && /^\d+$/.test(text) ? `${text}e0` : text;
}

/**
 * The form's values for an allocation. A limit equal to its requests is left blank ("the same"),
 * so lowering the requests in an approval lowers the limit with it instead of leaving it behind.
 */
export function allocationValues(allocation: Allocation, keys: readonly ResourceKey[]): AmountValues {
  const values: AmountValues = {};
  for (const key of keys) {
    const amount = allocation[key];
    if (!amount) continue;
    for (const input of amountInputs(key)) {
      const same = input.side === 'limits' && amount.limits === amount.requests;
      values[input.name] = same ? '' : formQuantity(amount[input.side], unitOf(key));
    }
  }
  return values;
}

export function postedAmounts(form: Record<string, unknown>, keys: readonly ResourceKey[]): AmountValues {
  return Object.fromEntries(amountFieldNames(keys).map((name) => [name, formText(form[name]).trim()]));
}

/** Where a service's field path (`allocation.cpu.limits`, `allocation.storage:ssd`) sits in the form. */
export function amountFieldOf(field: string): string {
  if (!field.startsWith('allocation.')) return field;
  const [key = '', side = 'requests'] = field.slice('allocation.'.length).split('.');
  return key === 'cpu' || key === 'memory' ? `${key}-${side}` : key;
}

/** The same refusal with allocation paths renamed to the inputs they came from. */
export function onAmountFields(e: unknown): unknown {
  if (!(e instanceof Invalid)) return e;
  return new Invalid(
    e.fields.map((f) => ({ ...f, field: amountFieldOf(f.field) })),
    e.code,
  );
}

/**
 * Reads the amounts typed for `keys` into an allocation, as the API would read them; blank
 * resources are not asked for, and a blank limit means "the same as requests". Problems come
 * back named by input.
 */
export function readAllocation(
  values: AmountValues,
  keys: readonly ResourceKey[],
): { allocation: Allocation | null; problems: FieldProblem[] } {
  const raw: Record<string, string | { requests: string; limits: string }> = {};
  const problems: FieldProblem[] = [];
  for (const key of keys) {
    const unit = unitOf(key);
    if (!hasOwnLimit(key)) {
      if (values[key]) raw[key] = fieldQuantity(values[key], unit);
      continue;
    }
    const requests = values[`${key}-requests`] ?? '';
    const limits = values[`${key}-limits`] ?? '';
    if (!requests && limits) problems.push({ field: `${key}-requests`, rule: 'required' });
    else if (requests && limits)
      raw[key] = { requests: fieldQuantity(requests, unit), limits: fieldQuantity(limits, unit) };
    else if (requests) raw[key] = fieldQuantity(requests, unit);
  }
  const parsed = allocationInput.safeParse(raw);
  if (!parsed.success) {
    const found = zodProblems(parsed.error, 'allocation').map((f) => ({ ...f, field: amountFieldOf(f.field) }));
    return { allocation: null, problems: [...problems, ...found] };
  }
  return { allocation: problems.length ? null : parsed.data, problems };
}

/**
 * The inputs for each resource in a fieldset, with the unit a bare number means, examples, the
 * error of each input, and what `beside` says about the resource (free on the site, held now).
 */
export function amountFields(
  t: Translate,
  keys: readonly ResourceKey[],
  values: AmountValues,
  errors: Record<string, string>,
  beside: (key: ResourceKey) => Html = () => html``,
): Html {
  const unitHint = (key: ResourceKey) =>
    key === 'cpu' ? t('amount.unitCpu') : unitOf(key) === 'bytes' ? t('amount.unitBytes') : t('amount.unitCount');
  const example = (key: ResourceKey) =>
    key === 'cpu' ? t('amount.hintCpu') : unitOf(key) === 'bytes' ? t('amount.hintBytes') : t('amount.hintCount');
  return html`${keys.map(
    (key) => html`<fieldset class="amounts">
  <legend>${resourceLabel(t, key)}</legend>
  ${amountInputs(key).map(
    (
      input,
    ) => html`<label>${hasOwnLimit(key) ? t(input.side === 'limits' ? 'capacity.limitsColumn' : 'capacity.requestsColumn') : t('amount.amount')}
    <span class="amount-input"><input name="${input.name}" value="${values[input.name] ?? ''}" size="12" maxlength="64" autocomplete="off" spellcheck="false" aria-invalid="${errors[input.name] ? 'true' : 'false'}"> <span class="unit">${unitHint(key)}</span></span>
    ${input.side === 'limits' ? html`<span class="hint">${t('amount.limitsBlank')}</span>` : ''}${fieldError(errors[input.name])}</label>`,
  )}
  <span class="hint">${example(key)}</span>
  ${beside(key)}
</fieldset>`,
  )}`;
}
