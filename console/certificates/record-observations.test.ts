import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateObservation } from '../../core/contracts/agent.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { unitOfWork } from '../store/unit-of-work.ts';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { fingerprintOf, observation, personalObservation, rsaObservation, seedAgent } from './fixtures.ts';
import { createObservationRecorder } from './record-observations.ts';

const pgUp = await postgresAvailable();
const hefei = '340100-001';

describe.each(backends)('recording agents’ certificate observations on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    await seedAgent(t.store.db, 'agent-a', hefei);
    await seedAgent(t.store.db, 'agent-b');
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const record = (agent: string, observations: CertificateObservation[]) =>
    t.deps.uow.inTransaction(() => t.deps.certificates.recordObservations(agent, observations));
  const row = (fingerprint: string) =>
    t.store.db.selectFrom('certificates').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow();
  const sightings = (fingerprint: string) =>
    t.store.db
      .selectFrom('certificate_sightings')
      .selectAll()
      .where('fingerprint', '=', fingerprint)
      .orderBy('agent_id')
      .execute();

  it.runIf(enabled)(
    'lets batches sharing CA certificates listed in any order run together without deadlock',
    async () => {
      // Intermediates and roots every department's chain shares, listed leaf-first by one source and
      // root-first by another, some naming a department and some not: all at once, every one stored.
      const shared = ['ca-root.ah.gov.cn', 'ca-sub1.ah.gov.cn', 'ca-sub2.ah.gov.cn', 'ca-sub3.ah.gov.cn'];
      const batches = Array.from({ length: 24 }, (_, i) => {
        const chain = shared.map((h) => observation(h, { isCa: true, department: i % 3 ? hefei : undefined }));
        return i % 2 ? chain.reverse() : chain;
      });
      const outcomes = await Promise.allSettled(batches.map((b, i) => record(i % 2 ? 'agent-a' : 'agent-b', b)));
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      for (const h of shared) expect((await row(fingerprintOf(h))).is_ca).toBe(1);
    },
  );

  it.runIf(enabled)('keeps one row per certificate two agents see, with a sighting for each', async () => {
    const shared = 'portal.ah.gov.cn';
    await record('agent-a', [observation(shared, { observedAt: '2026-11-20T08:00:00Z' })]);
    const later = observation(shared, {
      sourceId: 'files-nginx',
      location: '/etc/nginx/certs/portal.pem',
      chainVerified: false,
      chainProblems: ['untrusted'],
      observedAt: '2026-11-21T06:30:00.5Z',
    });
    expect(await record('agent-b', [later])).toEqual({ certificates: 1, sightings: 1 });

    const stored = await row(fingerprintOf(shared));
    expect(stored).toMatchObject({
      subject: 'CN=portal.ah.gov.cn,O=合肥市人民政府,C=CN',
      common_name: shared,
      algorithm_family: 'sm2',
      personal: 0,
      // agent-b's source names no department and agent-b has none: agent-a's stays.
      department_code: hefei,
      first_seen_at: '2026-11-20T08:00:00.000Z',
      last_seen_at: '2026-11-21T06:30:00.500Z',
      // The latest sighting's verdict.
      chain_verified: 0,
      chain_problems: '["untrusted"]',
    });
    const seen = await sightings(fingerprintOf(shared));
    expect(seen.map((s) => [s.agent_id, s.source_id, s.location, s.chain_verified])).toEqual([
      ['agent-a', 'tls-oa', 'tls://portal.ah.gov.cn:443', 1],
      ['agent-b', 'files-nginx', '/etc/nginx/certs/portal.pem', 0],
    ]);
  });

  it.runIf(enabled)(
    'places a certificate where its source says; an agent’s own department only fills a gap',
    async () => {
      const cn = 'moved.ah.gov.cn';
      await record('agent-b', [observation(cn, { observedAt: '2026-11-21T07:00:00Z' })]);
      expect(await row(fingerprintOf(cn))).toMatchObject({ department_code: null });
      await record('agent-a', [observation(cn, { observedAt: '2026-11-21T07:01:00Z' })]);
      expect(await row(fingerprintOf(cn))).toMatchObject({ department_code: hefei });
      await record('agent-b', [observation(cn, { department: '340200-001', observedAt: '2026-11-21T07:02:00Z' })]);
      expect(await row(fingerprintOf(cn))).toMatchObject({ department_code: '340200-001' });
      // agent-a's site department does not take it back; only a source naming one would.
      await record('agent-a', [observation(cn, { observedAt: '2026-11-21T07:03:00Z' })]);
      expect(await row(fingerprintOf(cn))).toMatchObject({ department_code: '340200-001' });
    },
  );

  it.runIf(enabled)('takes a late, older batch without moving last seen back or the verdict', async () => {
    const cn = 'late.ah.gov.cn';
    await record('agent-a', [observation(cn, { observedAt: '2026-11-21T07:00:00Z' })]);
    // A spool drained late: an older sighting with a failed chain.
    await record('agent-a', [
      observation(cn, { observedAt: '2026-11-19T07:00:00Z', chainVerified: false, chainProblems: ['expired'] }),
    ]);
    expect(await row(fingerprintOf(cn))).toMatchObject({
      first_seen_at: '2026-11-19T07:00:00.000Z',
      last_seen_at: '2026-11-21T07:00:00.000Z',
      chain_verified: 1,
      chain_problems: '[]',
    });
    const [sighting] = await sightings(fingerprintOf(cn));
    expect(sighting).toMatchObject({ last_seen_at: '2026-11-21T07:00:00.000Z', chain_verified: 1 });
  });

  it.runIf(enabled)('never keeps a personal certificate’s subject, even if an agent sends one', async () => {
    const leaky = personalObservation({ subject: 'CN=张三,SERIALNUMBER=340102198001011234' });
    await record('agent-a', [leaky]);
    expect(await row(leaky.fingerprintSha256)).toMatchObject({ subject: null, common_name: null, personal: 1 });
    // A source that does not know it is personal cannot bring the name back.
    await record('agent-b', [{ ...leaky, personal: false, observedAt: '2026-11-21T07:30:00Z' }]);
    expect(await row(leaky.fingerprintSha256)).toMatchObject({ subject: null, common_name: null, personal: 1 });
    const all = JSON.stringify(await t.store.db.selectFrom('certificates').selectAll().execute());
    expect(all).not.toContain('张三');
    expect(all).not.toContain('340102198001011234');
  });

  it.runIf(enabled)(
    'stores a CA seen in many chains of one batch once, verdict from the leaf-most latest',
    async () => {
      const ca = (location: string, position: number) =>
        rsaObservation('Anhui Extranet RSA CA', { isCa: true, location, position, observedAt: '2026-11-21T07:40:00Z' });
      const batch = [ca('tls://a:443', 1), ca('tls://b:443', 1), ca('/etc/ssl/ca.pem', 0), ca('tls://a:443', 1)];
      expect(await record('agent-a', batch)).toEqual({ certificates: 1, sightings: 3 });
      expect(await row(fingerprintOf('Anhui Extranet RSA CA'))).toMatchObject({ is_ca: 1, algorithm_family: 'rsa' });
    },
  );

  it.runIf(enabled)('writes a full batch of 500 in three statements (four on PostgreSQL)', async () => {
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const uow = unitOfWork(t.store.db.withPlugin(counter));
    const recordCounted = createObservationRecorder({ uow });
    const batch = Array.from({ length: 500 }, (_, i) =>
      (i % 2 ? rsaObservation : observation)(`host${i}.bulk.ah.gov.cn`, { department: hefei }),
    );
    const started = performance.now();
    const result = await uow.inTransaction(() => recordCounted('agent-b', batch));
    const ms = performance.now() - started;
    console.log(`500 observations recorded on ${name} in ${ms.toFixed(0)} ms, ${statements} statements`);
    expect(result).toEqual({ certificates: 500, sightings: 500 });
    // The agent's department, the known rows locked in key order (PostgreSQL), one upsert per table.
    expect(statements).toBe(name === 'postgres' ? 4 : 3);
    const counts = await t.store.db
      .selectFrom('certificates')
      .where('department_code', '=', hefei)
      .where('common_name', 'like', '%.bulk.ah.gov.cn')
      .select(['algorithm_family', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('algorithm_family')
      .orderBy('algorithm_family')
      .execute();
    expect(counts.map((c) => [c.algorithm_family, Number(c.n)])).toEqual([
      ['rsa', 250],
      ['sm2', 250],
    ]);
  });
});
