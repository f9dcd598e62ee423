import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { hasOwnLimit, type ResourceKey, resourceOrder, type Side, sides, unitOf } from '../../core/capacity.ts';
import type { DesiredState, SiteState } from '../../core/contracts/desired-state.ts';
import { displayQuantity, parseQuantity, QuantityError } from '../../core/quantity.ts';
import { unitOfQuotaKey } from '../../core/quota-hard.ts';
import { loadDesiredState } from '../desired-state-source.ts';
import { labelValueOf, siteLabel } from '../labels.ts';

/**
 * A last check before anything reaches a cluster: on every site, the ResourceQuotas of the
 * stack must sum, per resource and side, to no more than the site's capacity × ratio. The
 * console's ledger already refuses approvals past that ceiling; this catches what slips past
 * it — a hand-edited document, a program change, a capacity lowered after approvals.
 */

export const resourceQuotaType = 'kubernetes:core/v1:ResourceQuota';

/** The ledger resource and side a quota key carries; undefined for object counts and totals. */
export function ledgerSideOf(quotaKey: string): { resource: ResourceKey; side: Side } | undefined {
  const m = /^(requests|limits)\.(cpu|memory)$/.exec(quotaKey);
  if (m) return { resource: m[2] as 'cpu' | 'memory', side: m[1] as Side };
  if (quotaKey === 'requests.nvidia.com/gpu') return { resource: 'gpu', side: 'requests' };
  const storage = /^(.+)\.storageclass\.storage\.k8s\.io\/requests\.storage$/.exec(quotaKey);
  if (storage) return { resource: `storage:${storage[1]}`, side: 'requests' };
  return undefined;
}

export type Violation = { message: string; urn?: string };

type SiteTotals = { quotas: number; held: Map<ResourceKey, Record<Side, bigint>> };

/** Quota sums by site code label; sums are bigint so that many large quotas stay exact. */
function totalsBySite(resources: readonly PolicyResource[], violations: Violation[]): Map<string, SiteTotals> {
  const bySite = new Map<string, SiteTotals>();
  for (const r of resources.filter((r) => r.type === resourceQuotaType)) {
    const where = `ResourceQuota ${r.props.metadata?.namespace}/${r.props.metadata?.name}`;
    const site: unknown = r.props.metadata?.labels?.[siteLabel];
    if (typeof site !== 'string') {
      violations.push({
        message: `${where} has no ${siteLabel} label, so its site's capacity cannot be checked`,
        urn: r.urn,
      });
      continue;
    }
    const totals = bySite.get(site) ?? { quotas: 0, held: new Map() };
    bySite.set(site, totals);
    totals.quotas += 1;
    for (const [key, text] of Object.entries((r.props.spec?.hard ?? {}) as Record<string, string>)) {
      const ledger = ledgerSideOf(key);
      if (!ledger) continue;
      let amount: bigint;
      try {
        amount = BigInt(parseQuantity(text, unitOfQuotaKey(key)));
      } catch (e) {
        if (!(e instanceof QuantityError)) throw e;
        violations.push({ message: `${where}: ${key} is not an exact quantity (${e.message})`, urn: r.urn });
        continue;
      }
      const held = totals.held.get(ledger.resource) ?? { requests: 0n, limits: 0n };
      totals.held.set(ledger.resource, held);
      held[ledger.side] += amount;
      // GPUs and storage have no limit of their own in a quota: their limits are their requests.
      if (!hasOwnLimit(ledger.resource)) held.limits += amount;
    }
  }
  return bySite;
}

/** What one site's quotas promise beyond its ceilings, one message per resource and side. */
function siteShortfalls(site: SiteState, totals: SiteTotals): Violation[] {
  const found: Violation[] = [];
  const resources = [...totals.held.keys()].sort(resourceOrder);
  for (const resource of resources) {
    const offered = site.capacity.find((c) => c.resource === resource);
    const show = (n: bigint) => displayQuantity(Number(n), unitOf(resource));
    for (const side of sides) {
      const held = totals.held.get(resource)![side];
      const ratio = offered?.ratioPercent[side] ?? 0;
      const ceiling = offered ? (BigInt(offered.capacity) * BigInt(ratio)) / 100n : 0n;
      if (held <= ceiling) continue;
      const basis = offered ? `${ratio} % of ${show(BigInt(offered.capacity))} capacity` : 'the site does not offer it';
      found.push({
        message:
          `site ${site.code}: ${resource} ${side} of ${totals.quotas} ResourceQuotas total ${show(held)}, ` +
          `above the ceiling of ${show(ceiling)} (${basis}); short by ${show(held - ceiling)}`,
      });
    }
  }
  return found;
}

/** Every capacity violation of a stack's ResourceQuotas against the document's sites. */
export function capacityViolations(doc: DesiredState, resources: readonly PolicyResource[]): Violation[] {
  const violations: Violation[] = [];
  const bySite = totalsBySite(resources, violations);
  for (const site of doc.sites) {
    const totals = bySite.get(labelValueOf(site.code));
    bySite.delete(labelValueOf(site.code));
    if (totals) violations.push(...siteShortfalls(site, totals));
  }
  for (const [site, totals] of bySite) {
    violations.push({
      message: `site ${site}: not in the desired state, yet ${totals.quotas} ResourceQuotas are labelled with it`,
    });
  }
  return violations;
}

export type CapacityPolicyConfig = {
  /** Path or http(s) URL of the desired-state document; a URL is read with $GOVOPS_CONSOLE_TOKEN. */
  desiredState: string;
};

export const siteCapacityPolicy: StackValidationPolicy = {
  name: 'site-capacity',
  description: "A site's ResourceQuotas must not sum above its capacity × overcommit ratio.",
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: { desiredState: { type: 'string', description: 'Path or URL of the desired-state document' } },
    required: ['desiredState'],
  },
  validateStack: async (args, reportViolation) => {
    const { desiredState } = args.getConfig<CapacityPolicyConfig>();
    const doc = await loadDesiredState(desiredState, { token: process.env.GOVOPS_CONSOLE_TOKEN });
    for (const { message, urn } of capacityViolations(doc, args.resources)) reportViolation(message, urn);
  },
};
