import { beforeAll, describe, expect, it } from 'vitest';
import { twoSiteState } from './testing/sample-state.ts';
import { mockEngine, type Registration, registeredUrns } from './testing/mocked-engine.ts';

// The engine stand-in must be in place before @pulumi/kubernetes loads, hence the dynamic import.
const { registrations } = await mockEngine();
const { provisionTenants } = await import('./program.ts');

const contexts = { 'prod-hefei': 'hefei-prod-admin', 'dr-remote': 'huangshan-dr-admin' };
let urns: string[] = [];

beforeAll(async () => {
  urns = await registeredUrns(provisionTenants(twoSiteState(), { contexts }));
});

const ofType = (type: string) => registrations.filter((r) => r.type === type);
const named = (type: string, name: string): Registration => {
  const found = registrations.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}; have ${registrations.map((r) => r.name).join(', ')}`);
  return found;
};
const urnOf = (type: string, name: string) => urns.find((u) => u.endsWith(`${type}::${name}`));

describe('provisionTenants', () => {
  it('creates one provider per site and six objects under one TenantQuota per department and site', () => {
    const count = (type: string) => ofType(type).length;
    expect(count('pulumi:providers:kubernetes')).toBe(2);
    expect(count('govops:tenancy:TenantQuota')).toBe(4);
    expect(count('kubernetes:core/v1:Namespace')).toBe(4);
    expect(count('kubernetes:core/v1:ResourceQuota')).toBe(4);
    expect(count('kubernetes:core/v1:LimitRange')).toBe(4);
    expect(count('kubernetes:networking.k8s.io/v1:NetworkPolicy')).toBe(8);
    expect(count('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding')).toBe(4);
    expect(registrations).toHaveLength(2 + 4 * 7);
    expect(new Set(urns).size).toBe(urns.length);
  });

  it('parents every object to its TenantQuota, named after the site and namespace', () => {
    const component = 'prod-hefei/dept-340000-001';
    expect(urnOf('govops:tenancy:TenantQuota', component)).toBe(
      'urn:pulumi:test::govops-tenancy::govops:tenancy:TenantQuota::prod-hefei/dept-340000-001',
    );
    const children = urns.filter((u) => u.includes(`::govops:tenancy:TenantQuota$`) && u.includes(`::${component}`));
    expect(children.map((u) => u.split('::').slice(2).join('::')).sort()).toEqual([
      'govops:tenancy:TenantQuota$kubernetes:core/v1:LimitRange::prod-hefei/dept-340000-001/defaults',
      'govops:tenancy:TenantQuota$kubernetes:core/v1:Namespace::prod-hefei/dept-340000-001',
      'govops:tenancy:TenantQuota$kubernetes:core/v1:ResourceQuota::prod-hefei/dept-340000-001/quota',
      'govops:tenancy:TenantQuota$kubernetes:networking.k8s.io/v1:NetworkPolicy::prod-hefei/dept-340000-001/allow-same-namespace',
      'govops:tenancy:TenantQuota$kubernetes:networking.k8s.io/v1:NetworkPolicy::prod-hefei/dept-340000-001/deny-all',
      'govops:tenancy:TenantQuota$kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::prod-hefei/dept-340000-001/edit',
    ]);
  });

  it("gives each site's provider that site's kubeconfig context and pins the cluster identity", () => {
    const hefei = named('pulumi:providers:kubernetes', 'prod-hefei').inputs;
    expect(hefei).toMatchObject({ context: 'hefei-prod-admin', clusterIdentifier: 'prod-hefei' });
    expect(named('pulumi:providers:kubernetes', 'dr-remote').inputs.context).toBe('huangshan-dr-admin');
  });

  it("creates every Kubernetes object through its own site's provider", () => {
    const k8sObjects = registrations.filter((r) => r.type.startsWith('kubernetes:'));
    expect(k8sObjects).toHaveLength(24);
    for (const r of k8sObjects) {
      const site = r.name.split('/')[0];
      expect(r.provider, r.name).toBe(`${urnOf('pulumi:providers:kubernetes', site!)}::${site}-id`);
    }
  });

  it('names every object explicitly, so Pulumi adds no random suffix', () => {
    const names = (type: string) => ofType(type).map((r) => `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`);
    expect(ofType('kubernetes:core/v1:Namespace').map((r) => r.inputs.metadata.name)).toEqual([
      'dept-340000-001',
      'dept-340100-003',
      expect.stringMatching(/^dept-ab-[0-9a-f]{8}$/),
      'dept-340000-001',
    ]);
    expect(names('kubernetes:core/v1:ResourceQuota')).toContain('dept-340100-003/govops-quota');
    expect(names('kubernetes:core/v1:LimitRange')).toContain('dept-340100-003/govops-defaults');
    expect(names('kubernetes:networking.k8s.io/v1:NetworkPolicy')).toEqual(
      expect.arrayContaining(['dept-340100-003/govops-deny-all', 'dept-340100-003/govops-allow-same-namespace']),
    );
    expect(names('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding')).toContain(
      'dept-340100-003/govops-department-edit',
    );
  });

  it('protects namespaces from deletion and replaces fixed-name objects by deleting first', () => {
    const k8sObjects = registrations.filter((r) => r.type.startsWith('kubernetes:'));
    const namespaces = k8sObjects.filter((r) => r.type === 'kubernetes:core/v1:Namespace');
    expect(namespaces.every((r) => r.protect && !r.deleteBeforeReplace)).toBe(true);
    const inside = k8sObjects.filter((r) => r.type !== 'kubernetes:core/v1:Namespace');
    expect(inside).toHaveLength(20);
    expect(inside.every((r) => r.deleteBeforeReplace && !r.protect)).toBe(true);
  });

  it('labels objects with department, level, region, site and manager', () => {
    const ns = named('kubernetes:core/v1:Namespace', 'prod-hefei/dept-340100-003').inputs.metadata;
    expect(ns.labels).toEqual({
      'govops.gov.cn/site': 'prod-hefei',
      'govops.gov.cn/department': '340100-003',
      'govops.gov.cn/level': 'city',
      'govops.gov.cn/region': '340100',
      'app.kubernetes.io/managed-by': 'govops-tenancy',
    });
    expect(ns.annotations).toEqual({
      'govops.gov.cn/department-code': '340100-003',
      'govops.gov.cn/department-name': '340100-003 局',
    });
    const quota = named('kubernetes:core/v1:ResourceQuota', 'prod-hefei/dept-340100-003/quota').inputs.metadata;
    expect(quota.labels).toEqual(ns.labels);
    expect(quota.annotations['govops.gov.cn/request-id']).toBe('req-340100-003');
  });

  it('puts a department code no label can hold into a hashed label and keeps it exact in an annotation', () => {
    const county = ofType('kubernetes:core/v1:Namespace').find((r) => r.inputs.metadata.name.startsWith('dept-ab-'));
    expect(county!.inputs.metadata.labels['govops.gov.cn/department']).toMatch(/^AB\.[0-9a-f]{8}$/);
    expect(county!.inputs.metadata.annotations['govops.gov.cn/department-code']).toBe('AB_');
  });

  it('writes the approved allocation into the quota in Kubernetes notation', () => {
    const hard = (name: string) => named('kubernetes:core/v1:ResourceQuota', name).inputs.spec.hard;
    expect(hard('prod-hefei/dept-340000-001/quota')).toEqual({
      'requests.cpu': '64',
      'limits.cpu': '128',
      'requests.memory': '256Gi',
      'limits.memory': '256Gi',
      'ssd.storageclass.storage.k8s.io/requests.storage': '2Ti',
      'requests.storage': '2Ti',
      pods: '500',
      services: '100',
      persistentvolumeclaims: '100',
      configmaps: '500',
      secrets: '500',
      'services.loadbalancers': '0',
    });
    expect(hard('prod-hefei/dept-340100-003/quota')).toMatchObject({
      'requests.nvidia.com/gpu': '2',
      'ssd.storageclass.storage.k8s.io/requests.storage': '500Gi',
      'hdd.storageclass.storage.k8s.io/requests.storage': '10Ti',
      'requests.storage': '10740Gi',
    });
    expect(hard('dr-remote/dept-340000-001/quota')).toMatchObject({ 'requests.cpu': '8', 'limits.memory': '32Gi' });
  });

  it('gives containers small defaults, capped where the allocation is smaller', () => {
    const limits = (name: string) => named('kubernetes:core/v1:LimitRange', name).inputs.spec.limits;
    expect(limits('prod-hefei/dept-340100-003/defaults')).toEqual([
      {
        type: 'Container',
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
      },
      { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Ti' } },
    ]);
    const county = registrations.find((r) => r.type === 'kubernetes:core/v1:LimitRange' && r.name.includes('dept-ab-'));
    expect(county!.inputs.spec.limits).toEqual([
      { type: 'Container', default: { cpu: '200m', memory: '256Mi' }, defaultRequest: { cpu: '50m', memory: '64Mi' } },
    ]);
  });

  it("binds the department's group to the edit ClusterRole", () => {
    const binding = named('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'dr-remote/dept-340000-001/edit');
    expect(binding.inputs.subjects).toEqual([
      { kind: 'Group', name: 'govcloud:dept:340000-001', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(binding.inputs.roleRef).toEqual({
      kind: 'ClusterRole',
      name: 'edit',
      apiGroup: 'rbac.authorization.k8s.io',
    });
  });

  it('refuses a site without a kubeconfig context, naming the site, before creating anything', () => {
    const before = registrations.length;
    expect(() => provisionTenants(twoSiteState(), { contexts: { 'prod-hefei': 'hefei-prod-admin' } })).toThrow(
      "no kubeconfig context for site dr-remote: pulumi config set --path 'contexts.dr-remote' <context>",
    );
    expect(registrations.length).toBe(before);
  });
});
