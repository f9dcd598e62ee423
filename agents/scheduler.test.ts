import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { targetSchema, type LinkRound, type ProbeKind, type Target } from '../core/contracts/agent.ts';
import { memoryLogger } from './logger.ts';
import { createScheduler, type RoundRunner } from './scheduler.ts';

/** Contract defaults filled in; icmp unless the input says otherwise. */
const target = (input: Record<string, unknown> & { id: string }): Target =>
  targetSchema.parse({ kind: 'icmp', host: '10.0.0.1', ...input });

function roundFor(t: Target, startedAt: Date): LinkRound {
  return {
    targetId: t.id,
    kind: t.kind,
    startedAt: startedAt.toISOString(),
    sent: 1,
    received: 1,
    lossRatio: 0,
    rttMs: { min: 1, avg: 1, max: 1, mdev: 0 },
    jitterMs: null,
  };
}

type Call = { at: number; kind: ProbeKind; ids: string[] };

/** A probe runner that takes `durationMs` of (fake) time and records each call. */
function fakeRunner(durationMs = 100) {
  const calls: Call[] = [];
  const runner: RoundRunner = async (kind, targets) => {
    const startedAt = new Date();
    calls.push({ at: startedAt.getTime(), kind, ids: targets.map((t) => t.id) });
    await new Promise((r) => setTimeout(r, durationMs));
    return targets.map((t) => roundFor(t, startedAt));
  };
  return { calls, runner };
}

describe('scheduler', () => {
  const t0 = Date.parse('2025-03-01T00:00:00Z');
  const logger = memoryLogger();
  beforeEach(() => {
    vi.useFakeTimers({ now: t0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('measures targets of one kind and interval in one call per turn, every interval', async () => {
    const { calls, runner } = fakeRunner();
    const delivered: string[] = [];
    const s = createScheduler({ runRound: runner, onRound: (r) => delivered.push(r.targetId), logger, maxSlots: 1 });
    s.apply([
      target({ id: 'i1' }),
      target({ id: 'i2' }),
      target({ id: 'i3', intervalSeconds: 60 }),
      target({ id: 't1', kind: 'tcp', port: 22 }),
    ]);
    await vi.advanceTimersByTimeAsync(60_500);
    const at = (c: Call) => (c.at - t0) / 1000;
    const order = (c: Call) => `${String(at(c)).padStart(3)} ${c.kind} ${c.ids.join()}`;
    expect(calls.sort((a, b) => order(a).localeCompare(order(b))).map((c) => [at(c), c.kind, c.ids])).toEqual([
      [0, 'icmp', ['i1', 'i2']],
      [0, 'icmp', ['i3']],
      [0, 'tcp', ['t1']],
      [30, 'icmp', ['i1', 'i2']],
      [30, 'tcp', ['t1']],
      [60, 'icmp', ['i1', 'i2']],
      [60, 'icmp', ['i3']],
      [60, 'tcp', ['t1']],
    ]);
    expect(delivered).toHaveLength(11);
    await s.stop();
  });

  it('spreads 500 targets over slots instead of one burst, and measures each once per interval', async () => {
    const { calls, runner } = fakeRunner();
    const s = createScheduler({ runRound: runner, onRound: () => {}, logger, seed: 'agent-1' });
    s.apply(Array.from({ length: 500 }, (_, i) => target({ id: `L-${i}` })));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(new Set(calls.map((c) => c.at)).size).toBe(10);
    expect(Math.max(...calls.map((c) => c.ids.length))).toBeLessThan(100);
    expect(calls.flatMap((c) => c.ids).sort()).toEqual(Array.from({ length: 500 }, (_, i) => `L-${i}`).sort());
    // Every call measures many targets at once: one fping per slot, not one per target.
    expect(calls.length).toBe(10);
    await s.stop();
  });

  it('never runs two rounds of one target at once: a slow round makes it sit out a turn', async () => {
    const { calls, runner } = fakeRunner(45_000);
    const s = createScheduler({ runRound: runner, onRound: () => {}, logger, maxSlots: 1 });
    s.apply([target({ id: 'slow' })]);
    await vi.advanceTimersByTimeAsync(90_500);
    // Turns at 0 and 60 ran; 30 (round of 0 still running) and 90 (round of 60) were sat out.
    expect(calls.map((c) => (c.at - t0) / 1000)).toEqual([0, 60]);
    expect(logger.lines.some((l) => l.msg.startsWith('previous round still running'))).toBe(true);
    const stopped = s.stop();
    await vi.advanceTimersByTimeAsync(15_000);
    await stopped;
  });

  it('applies a new list in place: removed stop, new start, changed restart; stale results are dropped', async () => {
    const { calls, runner } = fakeRunner(5_000);
    const delivered: string[] = [];
    const s = createScheduler({ runRound: runner, onRound: (r) => delivered.push(r.targetId), logger, maxSlots: 1 });
    s.apply([target({ id: 'keep' }), target({ id: 'drop' }), target({ id: 'edit' })]);
    await vi.advanceTimersByTimeAsync(1_000); // the first round is in flight
    s.apply([target({ id: 'keep' }), target({ id: 'edit', packets: 3 }), target({ id: 'new' })]);
    await vi.advanceTimersByTimeAsync(5_000);
    // Of the round in flight, only the unchanged target's result is delivered.
    expect(delivered).toEqual(['keep']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.map((c) => c.ids)).toEqual([
      ['keep', 'drop', 'edit'],
      ['keep', 'edit', 'new'],
    ]);
    expect(delivered).toEqual(['keep', 'keep', 'edit', 'new']);

    s.apply([target({ id: 'edit', packets: 3, intervalSeconds: 10 })]);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(calls.slice(2).map((c) => c.ids)).toEqual([['edit'], ['edit'], ['edit']]);
    await s.stop();
  });

  it('logs and reports a round that could not run, and goes on', async () => {
    const errors: ProbeKind[] = [];
    let fail = true;
    const runner: RoundRunner = async (kind, targets) => {
      if (fail) throw new Error('fping: not found');
      return targets.map((t) => roundFor(t, new Date()));
    };
    const delivered: string[] = [];
    const s = createScheduler({
      runRound: runner,
      onRound: (r) => delivered.push(r.targetId),
      onRunError: (kind) => errors.push(kind),
      logger,
      maxSlots: 1,
    });
    s.apply([target({ id: 'a' })]);
    await vi.advanceTimersByTimeAsync(1);
    fail = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(errors).toEqual(['icmp']);
    expect(delivered).toEqual(['a']);
    await s.stop();
  });

  it('stops starting rounds on stop, delivers those in flight within the grace period, and drops later ones', async () => {
    const { calls, runner } = fakeRunner(2_000);
    const delivered: string[] = [];
    const s = createScheduler({ runRound: runner, onRound: (r) => delivered.push(r.targetId), logger, maxSlots: 1 });
    s.apply([target({ id: 'a' })]);
    await vi.advanceTimersByTimeAsync(1);
    const stopped = s.stop(5_000);
    await vi.advanceTimersByTimeAsync(2_000);
    await stopped;
    expect(delivered).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(1);

    const slow = fakeRunner(60_000);
    const late: string[] = [];
    const s2 = createScheduler({ runRound: slow.runner, onRound: (r) => late.push(r.targetId), logger, maxSlots: 1 });
    s2.apply([target({ id: 'b' })]);
    await vi.advanceTimersByTimeAsync(1);
    const stopping = s2.stop(1_000);
    await vi.advanceTimersByTimeAsync(61_000);
    await stopping;
    expect(late).toEqual([]);
  });
});
