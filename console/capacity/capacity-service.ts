import { z } from '@hono/zod-openapi';
import {
  type Amount,
  capacityShortfalls,
  ceilingOf,
  defaultRatios,
  isStorageResource,
  parseRatio,
  type ResourceKey,
  ratioBounds,
  resourceOrder,
  type SiteResource,
  sides,
  unitOf,
} from '../../core/capacity.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import type { SiteRole } from '../../core/org.ts';
import type { Principal } from '../../core/principal.ts';
import { parseQuantity, QuantityError } from '../../core/quantity.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { Ledger } from './ledger.ts';
import { ledgerConflict } from './over-capacity.ts';

/** One resource of a site as operators see it: capacity, ceiling, promised, free (exact units). */
export type ResourceView = {
  resource: ResourceKey;
  unit: 'millicores' | 'bytes' | 'count';
  capacity: number;
  ratioPercent: Amount;
  ceiling: Amount;
  allocated: Amount;
  free: Amount;
};

export type SiteCapacityView = {
  site: string;
  name: string;
  role: SiteRole;
  version: number;
  updatedAt: string;
  updatedBy: string;
  departments: number;
  resources: ResourceView[];
};

const ratioText = z.union([z.string().max(8), z.number()]);

/** A full replacement of a site's capacity, guarded by the version the editor saw. */
export const capacityUpdate = z
  .object({
    version: z.number().int().nonnegative(),
    resources: z
      .array(
        z
          .object({
            resource: z.string().max(48),
            capacity: z.union([z.string().max(64), z.number()]),
            ratio: z.object({ requests: ratioText.optional(), limits: ratioText.optional() }).strict().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(64),
  })
  .strict()
  .transform((input, ctx) => {
    const resources: SiteResource[] = [];
    input.resources.forEach((r, i) => {
      const path = ['resources', i];
      if (!(r.resource === 'cpu' || r.resource === 'memory' || r.resource === 'gpu' || isStorageResource(r.resource))) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'resource'],
          message: 'unknown',
          params: { rule: 'unknown_resource' },
        });
        return;
      }
      const resource = r.resource as ResourceKey;
      if (resources.some((x) => x.resource === resource)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'resource'],
          message: 'duplicate',
          params: { rule: 'duplicate_resource' },
        });
        return;
      }
      let capacity: number | null = null;
      try {
        capacity = parseQuantity(String(r.capacity), unitOf(resource));
      } catch (err) {
        if (!(err instanceof QuantityError)) throw err;
        ctx.addIssue({ code: 'custom', path: [...path, 'capacity'], message: err.rule, params: { rule: err.rule } });
      }
      const ratioPercent = { ...defaultRatios(resource) };
      for (const side of sides) {
        const given = r.ratio?.[side];
        if (given === undefined) continue;
        const parsed = parseRatio(String(given));
        if (parsed === null || parsed < ratioBounds.min || parsed > ratioBounds.max) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'ratio', side],
            message: 'ratio',
            params: { rule: 'ratio_range' },
          });
        } else ratioPercent[side] = parsed;
      }
      if (capacity !== null) resources.push({ resource, capacity, ratioPercent });
    });
    return { version: input.version, resources };
  });
export type CapacityUpdate = z.output<typeof capacityUpdate>;

export type CapacityService = ReturnType<typeof createCapacityService>;

/** Sites' capacity: the overview operators plan with, and the edits that must not strand a promise. */
export function createCapacityService({ uow, now, ledger }: { uow: UnitOfWork; now: () => Date; ledger: Ledger }) {
  async function view(site: string): Promise<SiteCapacityView> {
    const row = await uow
      .db()
      .selectFrom('sites')
      .innerJoin('site_ledgers', 'site_ledgers.site_code', 'sites.code')
      .select([
        'sites.code',
        'sites.name',
        'sites.role',
        'site_ledgers.version',
        'site_ledgers.updated_at',
        'site_ledgers.updated_by',
      ])
      .where('sites.code', '=', site)
      .executeTakeFirst();
    if (!row) throw new NotFound('site_not_found', { code: site });
    const [offered, allocated, holders] = await Promise.all([
      ledger.siteResources(site),
      ledger.allocatedOn(site),
      uow
        .db()
        .selectFrom('quotas')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_code', '=', site)
        .executeTakeFirstOrThrow(),
    ]);
    // A resource someone holds but the site no longer offers still shows, with zero capacity.
    const keys = new Set<ResourceKey>([
      ...offered.map((r) => r.resource),
      ...(Object.keys(allocated) as ResourceKey[]),
    ]);
    const resources = [...keys].map((resource): ResourceView => {
      const o = offered.find((r) => r.resource === resource);
      const capacity = o?.capacity ?? 0;
      const ratioPercent = o?.ratioPercent ?? defaultRatios(resource);
      const held = allocated[resource] ?? { requests: 0, limits: 0 };
      const ceiling = {
        requests: ceilingOf(capacity, ratioPercent.requests),
        limits: ceilingOf(capacity, ratioPercent.limits),
      };
      return {
        resource,
        unit: unitOf(resource),
        capacity,
        ratioPercent,
        ceiling,
        allocated: held,
        free: {
          requests: Math.max(0, ceiling.requests - held.requests),
          limits: Math.max(0, ceiling.limits - held.limits),
        },
      };
    });
    return {
      site: row.code,
      name: row.name,
      role: row.role as SiteRole,
      version: row.version,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
      departments: Number(holders.n),
      resources: resources.sort((a, b) => resourceOrder(a.resource, b.resource)),
    };
  }

  async function list(): Promise<SiteCapacityView[]> {
    const sites = await uow.db().selectFrom('site_ledgers').select('site_code').orderBy('site_code').execute();
    return Promise.all(sites.map((s) => view(s.site_code)));
  }

  /**
   * Replaces a site's capacity. Refused with 409 when another edit came first (stale version) or
   * when the new ceilings would no longer cover what departments already hold.
   */
  async function update(site: string, input: CapacityUpdate, by: Principal): Promise<SiteCapacityView> {
    const current = await ledger.lockSite(site);
    if (current.version !== input.version) {
      throw new Conflict('stale_capacity', {
        site,
        version: current.version,
        updatedBy: current.updatedBy,
        updatedAt: current.updatedAt,
      }).with({ version: current.version, updatedBy: current.updatedBy, updatedAt: current.updatedAt });
    }
    const short = capacityShortfalls(input.resources, await ledger.allocatedOn(site));
    if (short.length) throw ledgerConflict('capacity_below_allocated', site, short);
    await uow.db().deleteFrom('site_resources').where('site_code', '=', site).execute();
    await uow
      .db()
      .insertInto('site_resources')
      .values(
        input.resources.map((r) => ({
          site_code: site,
          resource: r.resource,
          capacity: r.capacity,
          requests_ratio_pct: r.ratioPercent.requests,
          limits_ratio_pct: r.ratioPercent.limits,
        })),
      )
      .execute();
    const at = now();
    await uow
      .db()
      .updateTable('site_ledgers')
      .set({ version: current.version + 1, updated_at: at.toISOString(), updated_by: by.name })
      .where('site_code', '=', site)
      .execute();
    // The policy pack checks the stack against capacity, so the document must follow it.
    await ledger.bumpRevision(at);
    return view(site);
  }

  return {
    view,
    list,
    update: (site: string, input: CapacityUpdate, by: Principal) => uow.inTransaction(() => update(site, input, by)),
  };
}
