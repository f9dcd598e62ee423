import { LimitRange, Namespace, ResourceQuota } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { twoSiteState } from './testing/sample-state.ts';
import { mockEngine, registeredUrns } from './testing/mocked-engine.ts';

// Every object the program would send to a cluster, checked against the Kubernetes OpenAPI
// schemas (kubernetes-models), since no API server runs here to refuse a malformed one.

const { registrations } = await mockEngine();
const { provisionTenants } = await import('./program.ts');

beforeAll(async () => {
  await registeredUrns(provisionTenants(twoSiteState(), { contexts: { 'prod-hefei': 'a', 'dr-remote': 'b' } }));
});

const models: Record<string, new (data: any) => { validate(): void }> = {
  'kubernetes:core/v1:Namespace': Namespace,
  'kubernetes:core/v1:ResourceQuota': ResourceQuota,
  'kubernetes:core/v1:LimitRange': LimitRange,
  'kubernetes:networking.k8s.io/v1:NetworkPolicy': NetworkPolicy,
  'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding': RoleBinding,
};

describe('the manifests the program produces', () => {
  it('are only of the five kinds a tenancy needs', () => {
    const kinds = new Set(registrations.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.type));
    expect([...kinds].sort()).toEqual(Object.keys(models).sort());
  });

  it('all pass the Kubernetes schema of their kind', () => {
    const manifests = registrations.filter((r) => r.type.startsWith('kubernetes:'));
    expect(manifests).toHaveLength(24);
    for (const { type, name, inputs } of manifests) {
      const Model = models[type]!;
      expect(() => new Model(inputs).validate(), `${type} ${name}`).not.toThrow();
    }
  });

  it('carry apiVersion and kind as the API server expects them', () => {
    const quota = registrations.find((r) => r.type === 'kubernetes:core/v1:ResourceQuota')!;
    expect(quota.inputs).toMatchObject({ apiVersion: 'v1', kind: 'ResourceQuota' });
    const policy = registrations.find((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy')!;
    expect(policy.inputs).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' });
  });

  it('would be refused by the same schema if malformed (the check is not vacuous)', () => {
    const quota = registrations.find((r) => r.type === 'kubernetes:core/v1:ResourceQuota')!.inputs;
    const broken = { ...quota, spec: { hard: { 'requests.cpu': 'sixty-four' } } };
    expect(() => new ResourceQuota(broken).validate()).toThrow();
    const binding = registrations.find((r) => r.type === 'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding')!.inputs;
    expect(() => new RoleBinding({ ...binding, roleRef: { kind: 'ClusterRole' } as any }).validate()).toThrow();
  });

  it('deny all traffic by default and allow the namespace itself plus DNS to kube-system', () => {
    const policies = registrations.filter((r) => r.name.startsWith('dr-remote/dept-340000-001/'));
    const deny = policies.find((r) => r.name.endsWith('/deny-all'))!.inputs.spec;
    expect(deny).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const allow = policies.find((r) => r.name.endsWith('/allow-same-namespace'))!.inputs.spec;
    expect(allow.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(allow.egress).toContainEqual({ to: [{ podSelector: {} }] });
    expect(allow.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
  });
});
