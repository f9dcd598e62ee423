import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { DesiredState } from '../core/contracts/desired-state.ts';
import { TenantQuota } from './tenant-quota.ts';

export type ProvisionSettings = {
  /** Contents of, or path to, a kubeconfig; absent: `$KUBECONFIG` or `~/.kube/config`. */
  kubeconfig?: pulumi.Input<string>;
  /** The kubeconfig context of each site, by site code. */
  contexts: Record<string, string>;
};

export type ProvisionedSite = { provider: k8s.Provider; tenants: Map<string, TenantQuota> };

/**
 * Everything the desired-state document asks for: one Kubernetes provider per site and one
 * TenantQuota per department namespace on it. Returns them by site code, then namespace name.
 * Throws before creating anything when a site has no kubeconfig context: guessing one (the
 * kubeconfig's current context) could put one site's quotas on another site's cluster.
 */
export function provisionTenants(doc: DesiredState, settings: ProvisionSettings): Map<string, ProvisionedSite> {
  const missing = doc.sites.map((s) => s.code).filter((code) => !settings.contexts[code]);
  if (missing.length > 0) {
    throw new Error(
      `no kubeconfig context for site ${missing.join(', ')}: ` +
        missing.map((code) => `pulumi config set --path 'contexts.${code}' <context>`).join('; '),
    );
  }
  const sites = new Map<string, ProvisionedSite>();
  for (const site of doc.sites) {
    if (sites.has(site.code)) throw new Error(`site ${site.code} appears twice in the desired state`);
    const provider = new k8s.Provider(site.code, {
      context: settings.contexts[site.code],
      kubeconfig: settings.kubeconfig,
      // Without it the provider guesses the cluster's identity from the kubeconfig, and a renamed
      // context or a new server address would replace the provider — and with it every namespace.
      clusterIdentifier: site.code,
    });
    const tenants = new Map<string, TenantQuota>();
    for (const tenant of site.namespaces) {
      if (tenants.has(tenant.name)) throw new Error(`namespace ${tenant.name} appears twice on site ${site.code}`);
      const name = `${site.code}/${tenant.name}`;
      tenants.set(tenant.name, new TenantQuota(name, { siteCode: site.code, tenant }, { provider }));
    }
    sites.set(site.code, { provider, tenants });
  }
  return sites;
}
