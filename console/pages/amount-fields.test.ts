import { describe, expect, it } from 'vitest';
import type { ResourceKey } from '../../core/capacity.ts';
import { parseQuantity, type QuantityUnit } from '../../core/quantity.ts';
import { allocationValues, amountFieldOf, fieldQuantity, formQuantity, readAllocation } from './amount-fields.ts';

const Gi = 1024 ** 3;
const Ti = 1024 ** 4;

describe('amount fields', () => {
  it.each([
    ['64', 'millicores', '64'],
    ['500m', 'millicores', '500m'],
    ['256', 'bytes', '256Gi'],
    [' 1.5 ', 'bytes', '1.5Gi'],
    ['256Gi', 'bytes', '256Gi'],
    ['2Ti', 'bytes', '2Ti'],
    ['100M', 'bytes', '100M'],
    ['2', 'count', '2'],
  ] as [string, QuantityUnit, string][])('reads %j in a %s field as %j', (typed, unit, quantity) => {
    expect(fieldQuantity(typed, unit)).toBe(quantity);
  });

  it.each([
    [64_000, 'millicores', '64'],
    [500, 'millicores', '500m'],
    [256 * Gi, 'bytes', '256Gi'],
    [2 * Ti, 'bytes', '2Ti'],
    [1023, 'bytes', '1023e0'],
    [0, 'bytes', '0'],
  ] as [number, QuantityUnit, string][])('prefills %d %s as %j, which reads back the same', (amount, unit, text) => {
    expect(formQuantity(amount, unit)).toBe(text);
    expect(parseQuantity(fieldQuantity(text, unit), unit)).toBe(amount);
  });

  it.each([
    ['allocation.cpu.requests', 'cpu-requests'],
    ['allocation.memory.limits', 'memory-limits'],
    ['allocation.memory', 'memory-requests'],
    ['allocation.storage:ssd.requests', 'storage:ssd'],
    ['allocation.storage:ssd', 'storage:ssd'],
    ['allocation.gpu', 'gpu'],
    ['allocation', 'allocation'],
    ['justification', 'justification'],
  ])('places the service field %s on input %s', (field, input) => {
    expect(amountFieldOf(field)).toBe(input);
  });

  const keys: ResourceKey[] = ['cpu', 'memory', 'storage:ssd', 'gpu'];

  it('reads a form into an exact allocation; blanks ask for nothing, a blank limit equals requests', () => {
    const { allocation, problems } = readAllocation(
      {
        'cpu-requests': '64',
        'cpu-limits': '128',
        'memory-requests': '256',
        'memory-limits': '',
        'storage:ssd': '2Ti',
        gpu: '',
      },
      keys,
    );
    expect(problems).toEqual([]);
    expect(allocation).toEqual({
      cpu: { requests: 64_000, limits: 128_000 },
      memory: { requests: 256 * Gi, limits: 256 * Gi },
      'storage:ssd': { requests: 2 * Ti, limits: 2 * Ti },
    });
    expect(allocationValues(allocation!, keys)).toEqual({
      'cpu-requests': '64',
      'cpu-limits': '128',
      'memory-requests': '256Gi',
      'memory-limits': '',
      'storage:ssd': '2Ti',
    });
  });

  it('names each bad input', () => {
    expect(readAllocation({ 'memory-requests': '8GG', 'cpu-requests': '4', 'cpu-limits': '2' }, keys).problems).toEqual(
      [
        { field: 'cpu-limits', rule: 'limits_below_requests', params: {} },
        { field: 'memory-requests', rule: 'quantity_format', params: {} },
      ],
    );
    expect(readAllocation({ 'cpu-limits': '2' }, keys).problems[0]).toEqual({
      field: 'cpu-requests',
      rule: 'required',
    });
    expect(readAllocation({}, keys).problems).toEqual([{ field: 'allocation', rule: 'empty_allocation', params: {} }]);
  });
});
