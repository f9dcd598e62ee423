import type * as k8s from '@pulumi/kubernetes';

/**
 * The network boundary of a department namespace: nothing in or out by default, then traffic
 * between the department's own pods. Departments are separate legal entities; one department's
 * systems reaching another's must be an explicit, reviewed policy, never the default.
 */

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Every pod of the namespace, both directions, no rules: everything not allowed elsewhere is denied. */
export const denyAll: NetworkPolicySpec = {
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
};

/**
 * Traffic among the namespace's own pods, plus DNS: CoreDNS runs in kube-system, so without
 * this egress rule every name lookup — even of a Service in the same namespace — times out.
 * The rule selects the namespace by its immutable `kubernetes.io/metadata.name` label and
 * allows port 53 only; CoreDNS pod labels differ between distributions, so pods are not pinned.
 * (A node-local DNS cache on a link-local address would need an ipBlock rule as well.)
 */
export const allowSameNamespace: NetworkPolicySpec = {
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{ from: [{ podSelector: {} }] }],
  egress: [
    { to: [{ podSelector: {} }] },
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ],
};
