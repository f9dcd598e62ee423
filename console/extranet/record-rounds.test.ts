import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkRound } from '../../core/contracts/agent.ts';
import { memoryLogger } from '../logger.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { agentRow, icmpProbe, operator, round, type RoundKind as Kind } from './testing.ts';
import { createSilenceSweep } from './silence-sweep.ts';

const pgUp = await postgresAvailable();
const icmp = icmpProbe;

describe.each(backends)('recording rounds on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  const start = Date.parse('2026-11-21T08:00:00Z');
  const at = (i: number) => start + i * 30_000;

  async function addAgent(id: string) {
    await t.store.db
      .insertInto('agents')
      .values(agentRow(id, new Date(start).toISOString()))
      .execute();
  }
  async function addLink(code: string, parent: string | null, agent: string | null, linkClass = 'department') {
    await t.deps.links.create(operator, {
      code,
      name: `Link ${code}`,
      class: linkClass,
      parent,
      agent,
      probe: icmp('10.9.9.9'),
    });
  }
  const status = (code: string) => t.deps.links.get(operator, code);
  const events = (code: string) => t.deps.links.events(operator, code);
  const record = (agent: string, rounds: LinkRound[]) =>
    t.deps.uow.inTransaction(() => t.deps.links.recordRounds(agent, rounds));

  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open, demo: false });
    await addAgent('agent-a');
    await addAgent('agent-b');
    await addLink('bb', null, 'agent-a', 'backbone');
    await addLink('city-1', 'bb', 'agent-a', 'city');
    for (const d of ['d1', 'd2', 'd3', 'd4', 'd5']) await addLink(d, 'city-1', 'agent-a');
    await addLink('other', 'bb', 'agent-b');
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  it.runIf(enabled)('moves a link UP, DEGRADED on loss, DOWN after 3 failed rounds, UP after 2 good ones', async () => {
    expect((await status('d1')).state).toBe('unknown');
    const kinds: [Kind, string][] = [
      ['ok', 'up'],
      ['lossy', 'degraded'],
      ['ok', 'up'],
      ['fail', 'degraded'],
      ['fail', 'degraded'],
      ['fail', 'down'],
      ['ok', 'down'],
      ['ok', 'up'],
      ['slow', 'degraded'],
    ];
    for (const [i, [kind, want]] of kinds.entries()) {
      await record('agent-a', [round('d1', at(i), kind)]);
      expect((await status('d1')).state, `after round ${i} (${kind})`).toBe(want);
    }
    const view = await status('d1');
    expect(view).toMatchObject({
      lossRatio: 0,
      rttAvgMs: 400,
      jitterMs: 0.8,
      lastRoundAt: new Date(at(8)).toISOString(),
    });
    expect(view.since).toBe(new Date(at(8)).toISOString());
    expect((await events('d1')).reverse()).toEqual([
      { at: new Date(at(0)).toISOString(), from: 'unknown', to: 'up', reasonCode: 'first_round' },
      { at: new Date(at(1)).toISOString(), from: 'up', to: 'degraded', reasonCode: 'loss_above_threshold' },
      { at: new Date(at(2)).toISOString(), from: 'degraded', to: 'up', reasonCode: 'recovered' },
      { at: new Date(at(3)).toISOString(), from: 'up', to: 'degraded', reasonCode: 'loss_above_threshold' },
      { at: new Date(at(5)).toISOString(), from: 'degraded', to: 'down', reasonCode: 'failed_rounds' },
      { at: new Date(at(7)).toISOString(), from: 'down', to: 'up', reasonCode: 'recovered' },
      { at: new Date(at(8)).toISOString(), from: 'up', to: 'degraded', reasonCode: 'rtt_above_threshold' },
    ]);
  });

  it.runIf(enabled)('applies a batch oldest first, whatever order it arrives in', async () => {
    const batch = [round('d2', at(2), 'fail'), round('d2', at(0), 'ok'), round('d2', at(1), 'fail')];
    const outcome = await record('agent-a', batch);
    expect(outcome).toMatchObject({ stored: 3, duplicates: 0, ignored: 0 });
    expect(outcome.changes.map((c) => `${c.from}>${c.to}`)).toEqual(['unknown>up', 'up>degraded']);
    expect(await status('d2')).toMatchObject({ state: 'degraded', lastRoundAt: new Date(at(2)).toISOString() });
  });

  it.runIf(enabled)('stores nothing and moves nothing when a batch is replayed', async () => {
    const batch = [round('d3', at(0), 'fail'), round('d3', at(1), 'fail'), round('d3', at(2), 'fail')];
    expect(await record('agent-a', batch)).toMatchObject({ stored: 3, duplicates: 0 });
    const [before, history] = [await status('d3'), await events('d3')];
    expect(before.state).toBe('down');
    // The same instants written differently are the same rounds.
    const replay = batch.map((r) => ({ ...r, startedAt: r.startedAt.replace('.000Z', 'Z') }));
    const again = await record('agent-a', replay);
    expect(again).toEqual({ stored: 0, duplicates: 3, ignored: 0, ignoredLinks: [], changes: [] });
    expect(await status('d3')).toEqual(before);
    expect(await events('d3')).toEqual(history);
    expect(await t.deps.links.rounds(operator, 'd3')).toHaveLength(3);
  });

  it.runIf(enabled)('keeps a late round but never moves the state backwards with it', async () => {
    await record('agent-a', [round('d4', at(10), 'ok'), round('d4', at(11), 'ok')]);
    const late = await record('agent-a', [
      round('d4', at(5), 'fail'),
      round('d4', at(6), 'fail'),
      round('d4', at(7), 'fail'),
    ]);
    expect(late).toMatchObject({ stored: 3, changes: [] });
    expect(await status('d4')).toMatchObject({
      state: 'up',
      lastRoundAt: new Date(at(11)).toISOString(),
      lossRatio: 0,
    });
    const stored = await t.deps.links.rounds(operator, 'd4');
    expect(stored.map((r) => r.startedAt)).toEqual([11, 10, 7, 6, 5].map((i) => new Date(at(i)).toISOString()));
    expect(stored[2]).toMatchObject({
      agent: 'agent-a',
      sent: 10,
      received: 0,
      lossRatio: 1,
      rttMs: null,
      error: 'no reply',
    });
  });

  it.runIf(enabled)('drops rounds for links the agent does not measure', async () => {
    const outcome = await record('agent-b', [round('d5', at(0)), round('nowhere', at(0)), round('other', at(0))]);
    expect(outcome).toMatchObject({ stored: 1, ignored: 2, ignoredLinks: ['d5', 'nowhere'] });
    expect((await status('d5')).state).toBe('unknown');
    expect((await status('other')).state).toBe('up');
  });

  it.runIf(enabled)('joins the caller’s transaction: a failure after it stores nothing', async () => {
    const before = await t.deps.links.rounds(operator, 'd5');
    await expect(
      t.deps.uow.inTransaction(async () => {
        await t.deps.links.recordRounds('agent-a', [round('d5', at(0), 'ok')]);
        throw new Error('ingest failed later');
      }),
    ).rejects.toThrow('ingest failed later');
    expect(await t.deps.links.rounds(operator, 'd5')).toEqual(before);
    expect((await status('d5')).state).toBe('unknown');
  });

  it.runIf(enabled)(
    'two replicas ingesting the same batch at once agree: one stores it, one sees a replay',
    async () => {
      const batch = [0, 1, 2].map((i) => round('d5', at(20 + i), 'fail'));
      const outcomes = await Promise.all([record('agent-a', batch), record('agent-a', batch)]);
      expect(outcomes.map((o) => o.stored).sort()).toEqual([0, 3]);
      expect((await status('d5')).state).toBe('down');
      const changes = (await events('d5')).map((e) => `${e.from}>${e.to}`);
      expect(changes).toEqual(['degraded>down', 'unknown>degraded']);
    },
  );

  it.runIf(enabled)('marks a silent link UNKNOWN through the sweep, dated when silence passed its limit', async () => {
    const sweep = createSilenceSweep({
      uow: t.deps.uow,
      links: t.deps.links,
      intervalMs: 30_000,
      roundsKeepMs: 7 * 86_400_000,
      now: t.clock.now,
      logger: memoryLogger(),
      holder: 'test-replica',
    });
    const last = t.clock.now().getTime() + 60_000;
    await record('agent-a', [round('city-1', last, 'ok')]);
    t.clock.advance(60_000 + 89_000);
    const early = await sweep.sweepOnce();
    expect(early.ran && early.changes.some((c) => c.link === 'city-1')).toBe(false);
    t.clock.advance(5_000);
    const due = await sweep.sweepOnce();
    expect(due.ran).toBe(true);
    const change = due.ran ? due.changes.find((c) => c.link === 'city-1') : undefined;
    expect(change).toEqual({
      link: 'city-1',
      from: 'up',
      to: 'unknown',
      at: new Date(last + 90_000).toISOString(),
      reasonCode: 'silent',
    });
    expect(await status('city-1')).toMatchObject({ state: 'unknown', since: new Date(last + 90_000).toISOString() });
    // Another replica holds no lease while this one's is live; a second turn finds nothing new.
    const other = createSilenceSweep({
      uow: t.deps.uow,
      links: t.deps.links,
      intervalMs: 30_000,
      roundsKeepMs: 7 * 86_400_000,
      now: t.clock.now,
      logger: memoryLogger(),
      holder: 'other-replica',
    });
    expect(await other.sweepOnce()).toEqual({ ran: false });
    const again = await sweep.sweepOnce();
    expect(again.ran && again.changes.some((c) => c.link === 'city-1')).toBe(false);
    await sweep.stop();
  });

  it.runIf(enabled)('deletes rounds past their retention, keeping state and events', async () => {
    const before = await status('d1');
    const history = await events('d1');
    expect(await t.deps.links.pruneRounds(new Date(at(5)))).toBeGreaterThanOrEqual(5);
    const left = await t.deps.links.rounds(operator, 'd1');
    expect(left.map((r) => r.startedAt)).toEqual([8, 7, 6, 5].map((i) => new Date(at(i)).toISOString()));
    expect(await status('d1')).toEqual(before);
    expect(await events('d1')).toEqual(history);
  });

  it.runIf(enabled)('stores a batch of 1,000 rounds over 500 links in a few statements', async () => {
    const codes = Array.from({ length: 500 }, (_, i) => `bulk-${i}`);
    for (const part of [codes.slice(0, 250), codes.slice(250)]) {
      await t.store.db
        .insertInto('links')
        .values(
          part.map((code) => ({
            code,
            name: code,
            link_class: 'department',
            parent_code: 'city-1',
            region_code: null,
            department_code: null,
            agent_id: 'agent-a',
            probe: JSON.stringify(icmp('10.1.1.1')),
            interval_seconds: 30,
            demo: 0,
            created_at: new Date(start).toISOString(),
            updated_at: new Date(start).toISOString(),
          })),
        )
        .execute();
    }
    const base = t.clock.now().getTime();
    const batch = codes.flatMap((code, i) => [round(code, base, i % 10 ? 'ok' : 'fail'), round(code, base + 30_000)]);
    const started = performance.now();
    const outcome = await record('agent-a', batch);
    const ms = performance.now() - started;
    console.info(`recordRounds: 1,000 rounds over 500 links on ${name} in ${ms.toFixed(0)} ms`);
    expect(outcome).toMatchObject({ stored: 1000, duplicates: 0 });
    expect(outcome.changes).toHaveLength(500 + 50);
    expect((await t.deps.links.list(operator, { q: 'bulk-', state: 'up', limit: 1 })).total).toBe(500);
    expect(ms).toBeLessThan(3000);
  });
});
