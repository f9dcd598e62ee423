import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../core/principal.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';

const pgUp = await postgresAvailable();
const requests = 220;
const capacityMillicores = 100_000;

/**
 * The ledger's promise under load: many operators approving at once can never together promise
 * more than a site has. Every approval is a real HTTP request through the app, each in its own
 * transaction, on both store backends.
 */
describe.each(backends)('concurrent approvals on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  const asks = new Map<string, number>();
  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open, demo: false });
    const db = t.deps.uow.root;
    const at = new Date().toISOString();
    await db
      .insertInto('sites')
      .values({ code: 'load-test', name: '压测站点', role: 'production', region_code: '340000', demo: 0 })
      .execute();
    await db
      .insertInto('site_ledgers')
      .values({ site_code: 'load-test', version: 1, updated_at: at, updated_by: 'test' })
      .execute();
    await db
      .insertInto('site_resources')
      .values({
        site_code: 'load-test',
        resource: 'cpu',
        capacity: capacityMillicores,
        requests_ratio_pct: 100,
        limits_ratio_pct: 400,
      })
      .execute();
    const departments = Array.from({ length: requests }, (_, i) => `LOAD-${String(i).padStart(3, '0')}`);
    await db
      .insertInto('departments')
      .values(
        departments.map((code) => ({
          code,
          name: `压测单位${code}`,
          level: 'provincial',
          region_code: '340000',
          demo: 0,
          created_at: at,
          updated_at: at,
        })),
      )
      .execute();
    const filer: Principal = { kind: 'user', id: 'filer', name: 'filer', roles: ['cloud-operator'], department: null };
    for (const [i, department] of departments.entries()) {
      // 500m to 1500m each: about 220 vCPU asked of 100 vCPU.
      const cpu = 500 + ((i * 37) % 11) * 100;
      const filed = await t.deps.requests.submit(filer, {
        department,
        site: 'load-test',
        justification: 'load',
        allocation: { cpu: { requests: cpu, limits: cpu * 2 } },
      });
      asks.set(filed.id, cpu);
    }
  }, 120_000);
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  it.runIf(enabled)(
    `accepts only what fits when ${requests} approvals race for one site`,
    async () => {
      const operators = await Promise.all([1, 2, 3, 4].map(() => t.tokenFor('cloud-operator')));
      const ids = [...asks.keys()];
      const answers = await Promise.all(
        ids.map((id, i) =>
          t.request(`/api/v1/quota-requests/${id}/approve`, {
            method: 'POST',
            token: operators[i % operators.length],
            body: JSON.stringify({ version: 1 }),
          }),
        ),
      );
      const accepted = ids.filter((_, i) => answers[i]!.status === 200);
      const refused = ids.filter((_, i) => answers[i]!.status === 409);
      expect(accepted.length + refused.length, 'every approval answered 200 or 409').toBe(requests);
      for (const [i, res] of answers.entries()) {
        if (res.status === 409) expect((await json(res)).error.code, ids[i]).toBe('over_capacity');
      }
      const promised = accepted.reduce((sum, id) => sum + asks.get(id)!, 0);
      expect(promised).toBeLessThanOrEqual(capacityMillicores);
      expect(refused.length).toBeGreaterThan(0);

      // The ledger holds exactly the accepted approvals, and the requests' states agree.
      const ledger = await t.deps.ledger.allocatedOn('load-test');
      expect(ledger.cpu).toEqual({ requests: promised, limits: promised * 2 });
      const approved = await t.deps.uow.root
        .selectFrom('quota_requests')
        .select('id')
        .where('site_code', '=', 'load-test')
        .where('status', '=', 'approved')
        .execute();
      expect(new Set(approved.map((r) => r.id))).toEqual(new Set(accepted));

      // No approval was refused that would still fit: each refused ask exceeds what is left.
      const left = capacityMillicores - promised;
      for (const id of refused) expect(asks.get(id)!).toBeGreaterThan(left);
    },
    120_000,
  );
});
