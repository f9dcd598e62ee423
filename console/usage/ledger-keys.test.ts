import { describe, expect, it } from 'vitest';
import type { Allocation } from '../../core/capacity.ts';
import { defaultObjectCounts } from '../../core/contracts/desired-state.ts';
import { quotaHardAmounts } from '../../core/quota-hard.ts';
import { allocationOfQuotaKeys, ledgerSideOf } from './ledger-keys.ts';

describe('ledger keys', () => {
  it('reads back exactly the allocation quotaHardAmounts wrote, for every kind of resource', () => {
    const allocation: Allocation = {
      cpu: { requests: 4000, limits: 16000 },
      memory: { requests: 8 * 2 ** 30, limits: 16 * 2 ** 30 },
      gpu: { requests: 2, limits: 2 },
      'storage:ssd': { requests: 100 * 2 ** 30, limits: 100 * 2 ** 30 },
      'storage:hdd-archive': { requests: 2 ** 40, limits: 2 ** 40 },
    };
    const hard = quotaHardAmounts(allocation, defaultObjectCounts);
    const rows = Object.entries(hard).map(([key, amount]) => ({ key, amount }));
    expect(allocationOfQuotaKeys(rows)).toEqual(allocation);
  });

  it.each([
    ['pods', null],
    ['requests.storage', null],
    ['count/deployments.apps', null],
    ['Bad_Class.storageclass.storage.k8s.io/requests.storage', null],
    ['limits.cpu', { resource: 'cpu', side: 'limits' }],
    ['ssd.storageclass.storage.k8s.io/requests.storage', { resource: 'storage:ssd', side: 'requests' }],
  ])('%s → %j', (key, expected) => {
    expect(ledgerSideOf(key)).toEqual(expected);
  });

  it('skips keys with no reading and sums namespaces', () => {
    const rows = [
      { key: 'requests.cpu', amount: 1500 },
      { key: 'requests.cpu', amount: 500 },
      { key: 'limits.cpu', amount: null },
      { key: 'ssd.storageclass.storage.k8s.io/requests.storage', amount: 10 },
    ];
    expect(allocationOfQuotaKeys(rows)).toEqual({
      cpu: { requests: 2000, limits: 0 },
      'storage:ssd': { requests: 10, limits: 10 },
    });
  });
});
