import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyResource, StackValidationArgs } from '@pulumi/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Allocation } from '../../core/capacity.ts';
import type { DesiredState } from '../../core/contracts/desired-state.ts';
import { quotaHard } from '../../core/quota-hard.ts';
import { defaultObjectCounts } from '../../core/contracts/desired-state.ts';
import { mockEngine, registeredUrns } from '../testing/mocked-engine.ts';
import { gib, tib, twoSiteState, vcpu } from '../testing/sample-state.ts';
import { capacityViolations, ledgerSideOf, resourceQuotaType, siteCapacityPolicy } from './capacity-policy.ts';

// The policy is fed what `pulumi preview --policy-pack` would feed it: the stack's resources as
// this program registers them (through the mocked engine), and a desired-state document file.

const { registrations } = await mockEngine();
const { provisionTenants } = await import('../program.ts');

const dir = mkdtempSync(join(tmpdir(), 'govops-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stack: PolicyResource[] = [];
beforeAll(async () => {
  const urns = await registeredUrns(
    provisionTenants(twoSiteState(), { contexts: { 'prod-hefei': 'a', 'dr-remote': 'b' } }),
  );
  stack = registrations.map((r) => {
    const urn = urns.find((u) => u.endsWith(`::${r.type}::${r.name}`) || u.endsWith(`$${r.type}::${r.name}`))!;
    return policyResource(r.type, r.inputs, urn, r.name);
  });
});

function policyResource(type: string, props: Record<string, any>, urn = `urn:${type}`, name = 'x'): PolicyResource {
  return { type, props, urn, name, opts: {} as any, dependencies: [], propertyDependencies: {} } as any;
}

/** Runs the policy as the Pulumi analyzer would, against a document with the given changes. */
async function validate(resources: PolicyResource[], change: (doc: DesiredState) => void = () => {}) {
  const doc = twoSiteState();
  change(doc);
  const path = join(dir, `doc-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(doc));
  const reported: { message: string; urn?: string }[] = [];
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({ desiredState: path }) as T,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
  await siteCapacityPolicy.validateStack(args, (message, urn) => reported.push({ message, urn }));
  return reported;
}

const lower = (doc: DesiredState, site: string, resource: string, capacity: number) => {
  doc.sites.find((s) => s.code === site)!.capacity.find((c) => c.resource === resource)!.capacity = capacity;
};

describe('the site-capacity policy', () => {
  it('finds nothing wrong with the stack the document asks for', async () => {
    expect(stack.filter((r) => r.type === resourceQuotaType)).toHaveLength(4);
    await expect(validate(stack)).resolves.toEqual([]);
  });

  it('refuses quotas that sum above a lowered capacity, naming site, resource and shortfall', async () => {
    // prod-hefei's quotas ask for 64 + 16 + 0.05 vCPU of requests.
    const reported = await validate(stack, (doc) => lower(doc, 'prod-hefei', 'cpu', vcpu(64)));
    expect(reported).toEqual([
      {
        message:
          'site prod-hefei: cpu requests of 3 ResourceQuotas total 80.05 vCPU, ' +
          'above the ceiling of 64 vCPU (100 % of 64 vCPU capacity); short by 16.05 vCPU',
        urn: undefined,
      },
    ]);
  });

  it('checks limits against the overcommit ratio, and storage and GPUs on both sides', async () => {
    const reported = await validate(stack, (doc) => {
      lower(doc, 'prod-hefei', 'cpu', vcpu(40)); // limits 160.2 vCPU > 4.0 × 40
      lower(doc, 'prod-hefei', 'gpu', 1);
      lower(doc, 'dr-remote', 'storage:hdd', tib(3));
    });
    expect(reported.map((r) => r.message)).toEqual([
      'site prod-hefei: cpu requests of 3 ResourceQuotas total 80.05 vCPU, above the ceiling of 40 vCPU (100 % of 40 vCPU capacity); short by 40.05 vCPU',
      'site prod-hefei: cpu limits of 3 ResourceQuotas total 160.2 vCPU, above the ceiling of 160 vCPU (400 % of 40 vCPU capacity); short by 0.2 vCPU',
      'site prod-hefei: gpu requests of 3 ResourceQuotas total 2, above the ceiling of 1 (100 % of 1 capacity); short by 1',
      'site prod-hefei: gpu limits of 3 ResourceQuotas total 2, above the ceiling of 1 (100 % of 1 capacity); short by 1',
      'site dr-remote: storage:hdd requests of 1 ResourceQuotas total 4 TiB, above the ceiling of 3 TiB (100 % of 3 TiB capacity); short by 1 TiB',
      'site dr-remote: storage:hdd limits of 1 ResourceQuotas total 4 TiB, above the ceiling of 3 TiB (100 % of 3 TiB capacity); short by 1 TiB',
    ]);
  });

  it('treats a resource the site does not offer as a ceiling of zero', async () => {
    const reported = await validate(stack, (doc) => {
      const site = doc.sites.find((s) => s.code === 'prod-hefei')!;
      site.capacity = site.capacity.filter((c) => c.resource !== 'storage:hdd');
    });
    expect(reported.map((r) => r.message)).toContain(
      'site prod-hefei: storage:hdd requests of 3 ResourceQuotas total 10 TiB, above the ceiling of 0 B (the site does not offer it); short by 10 TiB',
    );
  });

  it('stays exact where floating point would not: sums past 2^53', () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const doc = twoSiteState();
    const memory = doc.sites[1]!.capacity.find((c) => c.resource === 'memory')!;
    Object.assign(memory, { capacity: huge, ratioPercent: { requests: 100, limits: 400 } });
    const quota = (n: number, limit: number) =>
      policyResource(resourceQuotaType, {
        metadata: { namespace: `ns-${n}`, name: 'q', labels: { 'govops.gov.cn/site': 'dr-remote' } },
        spec: { hard: { 'limits.memory': String(limit) } },
      });
    const four = [1, 2, 3, 4].map((n) => quota(n, huge));
    expect(capacityViolations(doc, four)).toEqual([]);
    // 4 × (2^53 − 1) + 1 is one byte past the ceiling; in doubles the sum rounds back onto it.
    expect(4 * huge + 1).toBe(4 * huge);
    const [violation, ...rest] = capacityViolations(doc, [...four, quota(5, 1)]);
    expect(rest).toEqual([]);
    expect(violation!.message).toMatch(/^site dr-remote: memory limits of 5 ResourceQuotas .* short by 1 B$/);
  });

  it('reports a quota without a site label, or on a site the document does not list', () => {
    const unlabelled = policyResource(resourceQuotaType, {
      metadata: { namespace: 'a', name: 'q' },
      spec: { hard: {} },
    });
    const elsewhere = policyResource(resourceQuotaType, {
      metadata: { namespace: 'b', name: 'q', labels: { 'govops.gov.cn/site': 'dr-hefei' } },
      spec: { hard: { 'requests.cpu': '1' } },
    });
    expect(capacityViolations(twoSiteState(), [unlabelled, elsewhere])).toEqual([
      {
        message: "ResourceQuota a/q has no govops.gov.cn/site label, so its site's capacity cannot be checked",
        urn: unlabelled.urn,
      },
      { message: 'site dr-hefei: not in the desired state, yet 1 ResourceQuotas are labelled with it' },
    ]);
  });

  it('reports a quantity it cannot read exactly instead of rounding it', () => {
    const quota = policyResource(resourceQuotaType, {
      metadata: { namespace: 'a', name: 'q', labels: { 'govops.gov.cn/site': 'dr-remote' } },
      spec: { hard: { 'requests.cpu': '0.0001' } },
    });
    expect(capacityViolations(twoSiteState(), [quota])).toEqual([
      {
        message: 'ResourceQuota a/q: requests.cpu is not an exact quantity (quantity_precision: "0.0001")',
        urn: quota.urn,
      },
    ]);
  });

  it('reads back every ledger key the program writes into a quota, and nothing else', () => {
    const allocation: Allocation = {
      cpu: { requests: vcpu(2), limits: vcpu(4) },
      memory: { requests: gib(8), limits: gib(16) },
      gpu: { requests: 1, limits: 1 },
      'storage:ssd': { requests: gib(100), limits: gib(100) },
      'storage:nfs-gold': { requests: tib(1), limits: tib(1) },
    };
    const mapped = Object.keys(quotaHard(allocation, defaultObjectCounts))
      .map((key) => ledgerSideOf(key))
      .filter((x) => x !== undefined)
      .map(({ resource, side }) => `${resource} ${side}`);
    expect(mapped.sort()).toEqual(
      [
        'cpu limits',
        'cpu requests',
        'gpu requests',
        'memory limits',
        'memory requests',
        'storage:nfs-gold requests',
        'storage:ssd requests',
      ].sort(),
    );
  });
});
