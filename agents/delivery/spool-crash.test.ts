import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { openSpool } from './spool.ts';

/**
 * A process appending to the spool is SIGKILLed at random moments, again and again; what it
 * reported as accepted must all be there afterwards, once each and in order, and what it reported
 * as consumed must be gone. The only slack is the one operation in flight at each kill: an append
 * written but not yet reported, or a consumption not yet reported.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spool-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type RunOutput = { accepted: string[]; consumed: string[] };

async function runAndKill(run: number): Promise<RunOutput> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'spool-crash-child.ts'), dir, String(run)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  let alive = true;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  void exited.finally(() => (alive = false));
  const accepted = () => out.split('\n').filter((l) => l.startsWith('A ')).length;
  if (run % 2 === 0) {
    // Mid-stream: after a few appends (however slow the machine), then at a random moment.
    while (alive && accepted() < 3) await sleep(2);
    await sleep(Math.random() * 100);
  } else {
    // Anywhere from start-up (scanning, truncating, deleting segments) to mid-stream.
    await sleep(Math.random() * 400);
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL'); // not a death of its own
  const lines = out.split('\n').slice(0, -1); // a line cut by the kill was never fully said
  return {
    accepted: lines.filter((l) => l.startsWith('A ')).map((l) => l.slice(2)),
    consumed: lines.filter((l) => l.startsWith('K ')).map((l) => l.slice(2)),
  };
}

const order = (id: string) => id.slice(1).split('-').map(Number) as [number, number];
const byOrder = (a: string, b: string) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1];

it('keeps every accepted record exactly once and in order across repeated SIGKILLs', { timeout: 60_000 }, async () => {
  const runs = 12;
  const outputs: RunOutput[] = [];
  for (let run = 0; run < runs; run++) outputs.push(await runAndKill(run));
  const accepted = outputs.flatMap((o) => o.accepted);
  const consumed = new Set(outputs.flatMap((o) => o.consumed));
  expect(accepted.length).toBeGreaterThanOrEqual(18); // three or more from each even run

  const spool = await openSpool({ dir, maxBytes: 64 * 1024 * 1024, logger: memoryLogger() });
  const present: string[] = [];
  for (let r = await spool.peek(); r; r = await spool.peek()) {
    present.push(r.batch.rounds[0]!.targetId);
    await spool.ack(r.position);
  }
  await spool.close();

  expect(new Set(present).size).toBe(present.length);
  expect(present).toEqual([...present].sort(byOrder));
  for (const id of consumed) expect(present).not.toContain(id);
  // Records consumed form a prefix; the spool holds the rest of everything appended.
  const everything = [...new Set([...accepted, ...present])].sort(byOrder);
  expect(present).toEqual(everything.slice(everything.length - present.length));
  const vanished = everything.slice(0, everything.length - present.length).filter((id) => !consumed.has(id));
  expect(vanished.length).toBeLessThanOrEqual(runs); // at most the consumption in flight at each kill
  // The only records nobody reported are appends in flight: the one after each run's last report.
  const lastReported = new Map(accepted.map((id) => [order(id)[0], order(id)[1]]));
  for (const id of present.filter((p) => !accepted.includes(p))) {
    const [run, i] = order(id);
    expect(i).toBe((lastReported.get(run) ?? -1) + 1);
  }
});
