import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { observation, personalObservation, rsaObservation, seedAgent } from './fixtures.ts';

const hefei = '340100-001';
const wuhu = '340200-001';
const day = 86_400_000;

/** The value of each series of one family, keyed by its labels as the scrape writes them. */
async function family(t: TestConsole, name: string): Promise<Record<string, number>> {
  const text = await (await t.request('/metrics')).text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+)(\{.*\})? (\S+)$/.exec(line);
    if (m?.[1] === name) values[m[2] ?? ''] = Number(m[3]);
  }
  return values;
}

describe('department certificate and RSA cutover metrics', () => {
  let t: TestConsole;

  beforeAll(async () => {
    t = await testConsole({ config: { certRsaCutover: new Date('2027-01-01T00:00:00+08:00') } });
    await seedAgent(t.store.db, 'agent-hf', hefei);
    await seedAgent(t.store.db, 'agent-wh', wuhu);
    await seedAgent(t.store.db, 'agent-nowhere');
    const at = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
    await t.deps.uow.inTransaction(async () => {
      await t.deps.certificates.recordObservations('agent-hf', [
        observation('portal.hf.gov.cn', { notAfter: at(90 * day) }),
        observation('oa.hf.gov.cn', { notAfter: at(3 * day) }),
        rsaObservation('legacy.hf.gov.cn', { notAfter: at(200 * day) }),
        rsaObservation('gone.hf.gov.cn', { notAfter: at(-day) }),
        personalObservation({ department: hefei }),
      ]);
      // Wuhu's only certificate has expired: Wuhu holds nothing unexpired, so it has no series.
      await t.deps.certificates.recordObservations('agent-wh', [rsaObservation('old.wh.gov.cn', { notAfter: at(-1) })]);
      // A certificate no department can be named for is counted in govops_certificates only.
      await t.deps.certificates.recordObservations('agent-nowhere', [rsaObservation('stray.example')]);
    });
  });
  afterAll(() => t.dispose());

  it('counts unexpired certificates per department and family, personal ones included', async () => {
    expect(await family(t, 'govops_department_certificates')).toEqual({
      [`{department="${hefei}",family="sm2"}`]: 3,
      [`{department="${hefei}",family="rsa"}`]: 1,
      [`{department="${hefei}",family="ecdsa"}`]: 0,
      [`{department="${hefei}",family="other"}`]: 0,
    });
  });

  it('follows the clock: a certificate leaves the count the moment it expires', async () => {
    t.clock.advance(3 * day + 1);
    try {
      expect((await family(t, 'govops_department_certificates'))[`{department="${hefei}",family="sm2"}`]).toBe(2);
    } finally {
      t.clock.advance(-(3 * day + 1));
    }
  });

  it('stops counting a certificate no agent has seen for a week (replaced, say, by an SM2 one)', async () => {
    t.clock.advance(7 * day + 1);
    try {
      // Only the 200- and 90-day certificates are still unexpired; none was seen this week.
      expect(await family(t, 'govops_department_certificates')).toEqual({});
      await t.deps.uow.inTransaction(() =>
        t.deps.certificates.recordObservations('agent-hf', [
          observation('new.hf.gov.cn', { notAfter: '2027-06-01T00:00:00Z', observedAt: t.clock.now().toISOString() }),
        ]),
      );
      expect(await family(t, 'govops_department_certificates')).toMatchObject({
        [`{department="${hefei}",family="sm2"}`]: 1,
        [`{department="${hefei}",family="rsa"}`]: 0,
      });
    } finally {
      t.clock.advance(-(7 * day + 1));
    }
  });

  it('exports the configured RSA cutover date as Unix seconds', async () => {
    expect(await family(t, 'govops_certificates_rsa_cutover_timestamp_seconds')).toEqual({
      '': Date.parse('2026-12-31T16:00:00Z') / 1000,
    });
  });

  it('has no RSA cutover series (not even a 0) when no date is configured', async () => {
    const plain = await testConsole({ demo: false });
    try {
      const text = await (await plain.request('/metrics')).text();
      expect(text).not.toContain('govops_certificates_rsa_cutover_timestamp_seconds');
      expect(text).toContain('# TYPE govops_department_certificates gauge');
    } finally {
      await plain.dispose();
    }
  });
});

describe('CERT_RSA_CUTOVER_DATE', () => {
  it.each([
    ['2027-01-01', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01T00:00:00+08:00', '2026-12-31T16:00:00.000Z'],
    ['2027-06-30T12:00:00Z', '2027-06-30T12:00:00.000Z'],
  ])('reads %s as %s', (value, instant) => {
    expect(loadConfig({ CERT_RSA_CUTOVER_DATE: value }).certRsaCutover?.toISOString()).toBe(instant);
  });

  it('is unset by default', () => {
    expect(loadConfig({}).certRsaCutover).toBeNull();
  });

  it.each(['2027-02-30', '2027-1-1', '01/01/2027', 'next year', '2027-01-01T00:00:00'])(
    'stops the start at %j, naming the variable',
    (value) => {
      expect(() => loadConfig({ CERT_RSA_CUTOVER_DATE: value })).toThrow(
        /^invalid configuration: CERT_RSA_CUTOVER_DATE: expected an ISO date such as 2027-01-01/,
      );
    },
  );
});
