import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { raCsv } from './fixtures.ts';
import { RaImportRejected } from './ra-import.ts';

/** The extranet CA's figure after its RA moved issuance to SM2 (DOMAIN.md). */
const issuedByTheCa = 18_678;

describe("importing the RA's 18,678 certificates on SQLite", () => {
  let t: TestConsole;
  let csv: string;
  beforeAll(async () => {
    t = await testConsole();
    const departments = (await t.store.db.selectFrom('departments').select('code').orderBy('code').execute()).map(
      (d) => d.code,
    );
    csv = raCsv(issuedByTheCa, departments);
  });
  afterAll(() => t.dispose());

  const importRa = (text: string) => t.deps.uow.inTransaction(() => t.deps.certificates.importRa(text));
  const stored = async () =>
    Number(
      (
        await t.store.db
          .selectFrom('ra_certificates')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses the whole file for one bad line at its end, storing nothing', async () => {
    const bad = `${csv}FFFF,host.example,340100-001,服务器,SM2,2025-03-01,2027-02-30,正常\r\n`;
    const error = await importRa(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RaImportRejected);
    expect((error as RaImportRejected).lines).toEqual([
      { line: issuedByTheCa + 2, field: 'not_after', rule: 'invalid_date', value: '2027-02-30' },
    ]);
    expect(await stored()).toBe(0);
  });

  it('imports every line within a few seconds, and again as updates', async () => {
    const started = performance.now();
    const outcome = await importRa(csv);
    const ms = performance.now() - started;
    const again = performance.now();
    const second = await importRa(csv);
    const msAgain = performance.now() - again;
    console.log(
      `RA import of ${issuedByTheCa.toLocaleString('en')} rows (${(Buffer.byteLength(csv) / 2 ** 20).toFixed(2)} MiB of UTF-8) ` +
        `on SQLite: ${ms.toFixed(0)} ms new, ${msAgain.toFixed(0)} ms as updates`,
    );
    expect(outcome).toEqual({ imported: issuedByTheCa, created: issuedByTheCa, updated: 0 });
    expect(second).toEqual({ imported: issuedByTheCa, created: 0, updated: issuedByTheCa });
    expect(await stored()).toBe(issuedByTheCa);
    expect(ms).toBeLessThan(10_000);

    // A third of the holders are people: none of their names is kept.
    const names = await t.store.db
      .selectFrom('ra_certificates')
      .select([
        'holder_kind',
        (eb) => eb.fn.count<number>('common_name').as('named'),
        (eb) => eb.fn.countAll<number>().as('n'),
      ])
      .groupBy('holder_kind')
      .orderBy('holder_kind')
      .execute();
    expect(names.map((r) => [r.holder_kind, Number(r.named), Number(r.n)])).toEqual([
      ['personal', 0, 6226],
      ['server', 12_452, 12_452],
    ]);

    const summary = await t.deps.certificates.summary({
      kind: 'user',
      id: 'auditor',
      name: 'auditor',
      roles: ['audit-admin'],
      department: null,
    });
    // Every other row is SM2; every 50th is revoked.
    expect(summary.ra.total).toBe(issuedByTheCa - Math.ceil(issuedByTheCa / 50));
    expect(summary.ra.revoked).toBe(Math.ceil(issuedByTheCa / 50));
    expect(summary.ra.byFamily.sm2).toBe(9339 - Math.ceil(issuedByTheCa / 50));
  });
});
