/**
 * Drift: where a site's Kubernetes differs from what the console approved. The ledger says what
 * each department namespace's ResourceQuota should hold (`quotaHardAmounts`); the cluster reports
 * what it holds and uses. Any difference is either provisioning that has not run yet, or a change
 * made behind the console's back — both are for an operator to look at.
 */

/** A namespace the ledger has approved on the site, with the `spec.hard` it should carry. */
export type ExpectedNamespace = {
  namespace: string;
  department: string;
  /** Exact amounts per quota key, as `quotaHardAmounts` computes them. */
  hard: Readonly<Record<string, number>>;
};

/** One quota key of one namespace as the cluster last reported it (null: not reported). */
export type ObservedQuotaKey = {
  namespace: string;
  key: string;
  hard: number | null;
  used: number | null;
};

export type DriftItem =
  /** Approved, but the cluster reports no ResourceQuota in the namespace. */
  | { kind: 'namespace_missing'; namespace: string; department: string }
  /**
   * The cluster's hard amount differs from the approved one. `expected` is null for a key the
   * console never set (added by hand); `actual` is null for an approved key the cluster lacks.
   */
  | {
      kind: 'hard_differs';
      namespace: string;
      department: string;
      key: string;
      expected: number | null;
      actual: number | null;
    }
  /** The namespace uses more than its quota allows: Kubernetes permits this after a quota is lowered. */
  | { kind: 'used_above_hard'; namespace: string; department: string; key: string; used: number; hard: number };

const kindOrder: Record<DriftItem['kind'], number> = { namespace_missing: 0, hard_differs: 1, used_above_hard: 2 };

/**
 * Compares one site's approved namespaces with what its cluster reported. Observed namespaces the
 * ledger does not know are not drift of any department and are ignored. Items come sorted by
 * namespace, then kind, then key, so a page and a test see the same order.
 */
export function siteDrift(expected: readonly ExpectedNamespace[], observed: readonly ObservedQuotaKey[]): DriftItem[] {
  const byNamespace = new Map<string, ObservedQuotaKey[]>();
  for (const row of observed) {
    const list = byNamespace.get(row.namespace) ?? [];
    list.push(row);
    byNamespace.set(row.namespace, list);
  }
  const items: DriftItem[] = [];
  for (const { namespace, department, hard } of expected) {
    const rows = byNamespace.get(namespace);
    if (!rows?.length) {
      items.push({ kind: 'namespace_missing', namespace, department });
      continue;
    }
    const actual = new Map(rows.map((r) => [r.key, r]));
    const keys = new Set([...Object.keys(hard), ...actual.keys()]);
    for (const key of keys) {
      const want = hard[key] ?? null;
      const got = actual.get(key);
      const have = got?.hard ?? null;
      if (want !== have) items.push({ kind: 'hard_differs', namespace, department, key, expected: want, actual: have });
      if (got && got.used !== null && got.hard !== null && got.used > got.hard) {
        items.push({ kind: 'used_above_hard', namespace, department, key, used: got.used, hard: got.hard });
      }
    }
  }
  return items.sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      kindOrder[a.kind] - kindOrder[b.kind] ||
      keyOf(a).localeCompare(keyOf(b)),
  );
}

function keyOf(item: DriftItem): string {
  return item.kind === 'namespace_missing' ? '' : item.key;
}
