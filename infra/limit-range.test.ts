import { describe, expect, it } from 'vitest';
import type { Allocation } from '../core/capacity.ts';
import { limitRangeItems } from './limit-range.ts';
import { gib, mib, tib, vcpu } from './testing/sample-state.ts';

const container = (allocation: Allocation) => limitRangeItems(allocation)[0];

describe('limitRangeItems', () => {
  it.each<[string, Allocation, object]>([
    [
      'a roomy allocation gets the preferred defaults',
      { cpu: { requests: vcpu(64), limits: vcpu(128) }, memory: { requests: gib(256), limits: gib(256) } },
      { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } },
    ],
    [
      'a smaller allocation caps each side',
      { cpu: { requests: 50, limits: 200 }, memory: { requests: mib(64), limits: mib(256) } },
      { default: { cpu: '200m', memory: '256Mi' }, defaultRequest: { cpu: '50m', memory: '64Mi' } },
    ],
    [
      'a default request never exceeds the default limit',
      { cpu: { requests: vcpu(4), limits: 80 }, memory: { requests: gib(1), limits: mib(100) } },
      { default: { cpu: '80m', memory: '100Mi' }, defaultRequest: { cpu: '80m', memory: '100Mi' } },
    ],
    [
      'a resource without quota keeps the preferred defaults',
      { 'storage:ssd': { requests: gib(10), limits: gib(10) } },
      { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } },
    ],
    [
      'a zero allocation leaves the resource out, so the quota refuses such pods outright',
      { cpu: { requests: 0, limits: 0 }, memory: { requests: gib(1), limits: gib(1) } },
      { default: { memory: '512Mi' }, defaultRequest: { memory: '128Mi' } },
    ],
  ])('%s', (_, allocation, expected) => {
    expect(container(allocation)).toEqual({ type: 'Container', ...expected });
  });

  it('bounds claims from 1 GiB to the largest storage class allocation', () => {
    const items = limitRangeItems({
      'storage:ssd': { requests: gib(500), limits: gib(500) },
      'storage:hdd': { requests: tib(10), limits: tib(10) },
    });
    expect(items[1]).toEqual({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Ti' } });
  });

  it('sets no claim bounds when no storage class allows even 1 GiB', () => {
    expect(limitRangeItems({ 'storage:ssd': { requests: mib(512), limits: mib(512) } })).toHaveLength(1);
    expect(limitRangeItems({})).toHaveLength(1);
  });
});
