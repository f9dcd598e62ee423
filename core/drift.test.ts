import { describe, expect, it } from 'vitest';
import { type DriftItem, type ExpectedNamespace, type ObservedQuotaKey, siteDrift } from './drift.ts';

const finance: ExpectedNamespace = {
  namespace: 'dept-340100-001',
  department: '340100-001',
  hard: { 'requests.cpu': 4000, 'limits.cpu': 8000, pods: 500 },
};
const health: ExpectedNamespace = {
  namespace: 'dept-340100-002',
  department: '340100-002',
  hard: { 'requests.cpu': 2000 },
};

/** Observed rows for a namespace: `{ key: [hard, used] }`. */
function seen(namespace: string, keys: Record<string, [number | null, number | null]>): ObservedQuotaKey[] {
  return Object.entries(keys).map(([key, [hard, used]]) => ({ namespace, key, hard, used }));
}

const cases: { name: string; expected: ExpectedNamespace[]; observed: ObservedQuotaKey[]; drift: DriftItem[] }[] = [
  {
    name: 'a cluster that matches the ledger has no drift',
    expected: [finance],
    observed: seen(finance.namespace, { 'requests.cpu': [4000, 1500], 'limits.cpu': [8000, 0], pods: [500, 12] }),
    drift: [],
  },
  {
    name: 'an approved namespace without a ResourceQuota is missing',
    expected: [finance, health],
    observed: seen(health.namespace, { 'requests.cpu': [2000, 0] }),
    drift: [{ kind: 'namespace_missing', namespace: finance.namespace, department: finance.department }],
  },
  {
    name: 'a hard amount changed by hand differs from the approved one',
    expected: [health],
    observed: seen(health.namespace, { 'requests.cpu': [3000, 0] }),
    drift: [
      {
        kind: 'hard_differs',
        namespace: health.namespace,
        department: health.department,
        key: 'requests.cpu',
        expected: 2000,
        actual: 3000,
      },
    ],
  },
  {
    name: 'an approved key the cluster lacks, and a key added by hand, both differ',
    expected: [health],
    observed: seen(health.namespace, { 'requests.ephemeral-storage': [10, 0] }),
    drift: [
      {
        kind: 'hard_differs',
        namespace: health.namespace,
        department: health.department,
        key: 'requests.cpu',
        expected: 2000,
        actual: null,
      },
      {
        kind: 'hard_differs',
        namespace: health.namespace,
        department: health.department,
        key: 'requests.ephemeral-storage',
        expected: null,
        actual: 10,
      },
    ],
  },
  {
    name: 'use above the hard amount is reported (a quota lowered under running pods)',
    expected: [finance],
    observed: seen(finance.namespace, { 'requests.cpu': [4000, 4001], 'limits.cpu': [8000, 8000], pods: [500, 500] }),
    drift: [
      {
        kind: 'used_above_hard',
        namespace: finance.namespace,
        department: finance.department,
        key: 'requests.cpu',
        used: 4001,
        hard: 4000,
      },
    ],
  },
  {
    name: 'a hard of zero is compared exactly, not as missing',
    expected: [{ ...health, hard: { 'services.loadbalancers': 0 } }],
    observed: seen(health.namespace, { 'services.loadbalancers': [0, 1] }),
    drift: [
      {
        kind: 'used_above_hard',
        namespace: health.namespace,
        department: health.department,
        key: 'services.loadbalancers',
        used: 1,
        hard: 0,
      },
    ],
  },
  {
    name: 'namespaces the ledger does not know are not drift',
    expected: [],
    observed: seen('kube-system', { pods: [10, 99] }),
    drift: [],
  },
  {
    name: 'items are sorted by namespace, kind and key',
    expected: [health, finance],
    observed: [
      ...seen(health.namespace, { 'requests.cpu': [1000, 1001] }),
      ...seen(finance.namespace, { 'requests.cpu': [4000, 0], 'limits.cpu': [8000, 0], pods: [400, 0] }),
    ],
    drift: [
      {
        kind: 'hard_differs',
        namespace: finance.namespace,
        department: finance.department,
        key: 'pods',
        expected: 500,
        actual: 400,
      },
      {
        kind: 'hard_differs',
        namespace: health.namespace,
        department: health.department,
        key: 'requests.cpu',
        expected: 2000,
        actual: 1000,
      },
      {
        kind: 'used_above_hard',
        namespace: health.namespace,
        department: health.department,
        key: 'requests.cpu',
        used: 1001,
        hard: 1000,
      },
    ],
  },
];

describe('siteDrift', () => {
  it.each(cases)('$name', ({ expected, observed, drift }) => {
    expect(siteDrift(expected, observed)).toEqual(drift);
  });
});
