import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { DesiredNamespace } from '../core/contracts/desired-state.ts';
import { quotaHard } from '../core/quota-hard.ts';
import { tenantAnnotations, tenantLabels } from './labels.ts';
import { limitRangeItems } from './limit-range.ts';
import { allowSameNamespace, denyAll } from './network-policy.ts';

export type TenantQuotaArgs = {
  /** The site's code, as in the desired-state document; the policy pack reads it back from a label. */
  siteCode: string;
  tenant: DesiredNamespace;
};

/** Names of the objects inside the namespace: fixed, so `kubectl` users and runbooks can rely on them. */
export const objectNames = {
  quota: 'govops-quota',
  limitRange: 'govops-defaults',
  denyAll: 'govops-deny-all',
  allowSameNamespace: 'govops-allow-same-namespace',
  edit: 'govops-department-edit',
} as const;

/**
 * One department's tenancy on one site: its namespace, the quota the ledger approved, container
 * defaults, a default-deny network boundary and the department group's `edit` binding. Create it
 * with the site's Kubernetes provider (`{ provider }`); the children inherit it through `parent`.
 */
export class TenantQuota extends pulumi.ComponentResource {
  readonly namespaceName: pulumi.Output<string>;
  /** Every object this component creates, in creation order (tests and the benchmark await them). */
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: TenantQuotaArgs, opts?: pulumi.ComponentResourceOptions) {
    super('govops:tenancy:TenantQuota', name, {}, opts);
    const { siteCode, tenant } = args;
    const labels = tenantLabels(siteCode, tenant);
    const annotations = tenantAnnotations(tenant);
    // Every object keeps a fixed name, so a replacement must delete the old one before creating
    // the new one; otherwise the create fails with AlreadyExists.
    const named = { parent: this, deleteBeforeReplace: true };

    // Holds the department's workloads and volumes: deleting it loses their data, so removing a
    // department takes a deliberate `pulumi state unprotect` rather than one edit upstream.
    const namespace = new k8s.core.v1.Namespace(
      name,
      { metadata: { name: tenant.name, labels, annotations } },
      { parent: this, protect: true },
    );
    // Objects below name the namespace through its output, so they wait for it to exist.
    const metadata = (objectName: string, extra: Record<string, string> = {}) => ({
      name: objectName,
      namespace: namespace.metadata.name,
      labels,
      annotations: { ...annotations, ...extra },
    });

    // The approved allocation: CPU and memory by side, storage by class and in total, object counts.
    const quota = new k8s.core.v1.ResourceQuota(
      `${name}/quota`,
      {
        metadata: metadata(objectNames.quota, {
          'govops.gov.cn/request-id': tenant.requestId,
          'govops.gov.cn/approved-at': tenant.approvedAt,
        }),
        spec: { hard: quotaHard(tenant.allocation, tenant.objects) },
      },
      named,
    );
    // Requests and limits for containers that state none, within the quota; claim size bounds.
    const limitRange = new k8s.core.v1.LimitRange(
      `${name}/defaults`,
      { metadata: metadata(objectNames.limitRange), spec: { limits: limitRangeItems(tenant.allocation) } },
      named,
    );
    // Nothing in or out unless another policy allows it.
    const deny = new k8s.networking.v1.NetworkPolicy(
      `${name}/deny-all`,
      { metadata: metadata(objectNames.denyAll), spec: denyAll },
      named,
    );
    // The department's pods may talk to each other and resolve names.
    const allow = new k8s.networking.v1.NetworkPolicy(
      `${name}/allow-same-namespace`,
      { metadata: metadata(objectNames.allowSameNamespace), spec: allowSameNamespace },
      named,
    );
    // The department's people manage workloads here, and nothing outside it.
    const edit = new k8s.rbac.v1.RoleBinding(
      `${name}/edit`,
      {
        metadata: metadata(objectNames.edit),
        subjects: [{ kind: 'Group', name: tenant.group, apiGroup: 'rbac.authorization.k8s.io' }],
        roleRef: { kind: 'ClusterRole', name: 'edit', apiGroup: 'rbac.authorization.k8s.io' },
      },
      named,
    );

    this.namespaceName = namespace.metadata.name;
    this.children = [namespace, quota, limitRange, deny, allow, edit];
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
