import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkRoundSchema } from '../../core/contracts/agent.ts';
import { createIcmpProbe, parseFpingCounts } from './icmp.ts';

// Output captured from fping 5.1 (`fping -C 3 -p 20 -t 200 -q -B1 -r0 …`), stderr verbatim.
const samples = {
  // 127.0.0.1 listed twice, nonexistent.invalid unresolvable (fping -q names it nowhere, exits 2).
  mixed:
    '127.0.0.1    : 0.018 0.006 0.005\n127.0.0.2    : 0.009 0.005 0.003\n10.255.255.1 : - - -\n127.0.0.1    : 0.007 0.007 0.010\n',
  ipv6: '::1       : 0.065 0.016\n127.0.0.1 : 0.021 0.010\n',
  // Without -q fping adds warnings and ICMP errors to stderr; none of them is a result.
  noisy:
    'nope.invalid: Name or service not known\nICMP Port Unreachable from 21.4.2.217 for ICMP Echo sent to 10.130.1.2\n\n10.130.1.2 : - 0.51 -\n',
  // Slow links: fping drops decimals as RTTs grow.
  slow: 'cixp.web.cern.ch    : 189 189 173 158\nwww.indiana.edu     : 88.0 88.1 66.4 -\n',
};

describe('parseFpingCounts', () => {
  it.each([
    [
      'several hosts, a duplicate keeps its first line, all lost is all null',
      samples.mixed,
      {
        '127.0.0.1': [0.018, 0.006, 0.005],
        '127.0.0.2': [0.009, 0.005, 0.003],
        '10.255.255.1': [null, null, null],
      },
    ],
    ['IPv6 hosts contain colons', samples.ipv6, { '::1': [0.065, 0.016], '127.0.0.1': [0.021, 0.01] }],
    ['warnings and blank lines are skipped', samples.noisy, { '10.130.1.2': [null, 0.51, null] }],
    [
      'integer and one-decimal RTTs',
      samples.slow,
      { 'cixp.web.cern.ch': [189, 189, 173, 158], 'www.indiana.edu': [88, 88.1, 66.4, null] },
    ],
    ['empty output (every name unresolvable)', '', {}],
    ['a line with a field that is not an RTT is not a result', 'host : 0.1 abc\nfping: sendto: x : y\n', {}],
  ])('%s', (_name, output, want) => {
    expect(Object.fromEntries(parseFpingCounts(output))).toEqual(want);
  });
});

function hasFping(): boolean {
  try {
    execFileSync('fping', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'gx-icmp-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in fping that behaves as a broken install would: a real process, not a mock. */
function fakeFping(script: string): string {
  const path = join(scratch, `fping-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

const now = () => new Date('2025-03-01T08:00:00Z');
const icmp = (id: string, host: string, packets = 3, timeoutMs = 200) =>
  ({ kind: 'icmp', id, host, packets, timeoutMs, intervalSeconds: 5 }) as const;

describe('icmp probe', () => {
  const fpingMissing = !hasFping();
  if (fpingMissing && process.env.CI) throw new Error('fping is required in CI (apt-get install fping)');
  if (fpingMissing) console.warn('skipping real fping rounds: fping is not installed');

  it.skipIf(fpingMissing)('groups targets by settings and maps rounds back in order', async () => {
    const probe = createIcmpProbe({ periodMs: 20 });
    const targets = [
      icmp('lo-a', '127.0.0.1'),
      icmp('unresolved', 'nonexistent.invalid'),
      icmp('lo-b', '127.0.0.1', 5, 300), // same host, other settings: a second fping process
      icmp('lo-c', '127.0.0.1'), // same host and settings as lo-a: one fping entry, two rounds
    ];
    const rounds = await probe.runRound(targets, now);
    expect(rounds.map((round) => [round.targetId, round.sent, round.received])).toEqual([
      ['lo-a', 3, 3],
      ['unresolved', 3, 0],
      ['lo-b', 5, 5],
      ['lo-c', 3, 3],
    ]);
    expect(rounds[1]).toMatchObject({ lossRatio: 1, rttMs: null, jitterMs: null, error: 'host not resolved' });
    expect(rounds[0]!.error).toBeUndefined();
    for (const round of rounds) {
      expect(linkRoundSchema.parse(round)).toEqual(round);
      expect(round.startedAt).toBe('2025-03-01T08:00:00.000Z');
    }
  });

  it('a host that prints nothing after a normal exit is lost with a reason', async () => {
    const probe = createIcmpProbe({ periodMs: 20, fpingPath: fakeFping('echo "10.0.0.9 : 1.0 -" >&2; exit 1') });
    const rounds = await probe.runRound([icmp('seen', '10.0.0.9', 2), icmp('unseen', '10.0.0.8', 2)], now);
    expect(rounds[0]).toMatchObject({ sent: 2, received: 1, lossRatio: 0.5 });
    expect(rounds[1]).toMatchObject({ sent: 2, received: 0, error: 'no result from fping' });
  });

  it('kills fping past its deadline and reports the round lost', async () => {
    const probe = createIcmpProbe({ periodMs: 20, deadlineSlackMs: 200, fpingPath: fakeFping('exec sleep 60') });
    const started = Date.now();
    // 1 packet × 20 ms + 50 ms timeout + 200 ms slack
    const [round] = await probe.runRound([icmp('hung', '10.0.0.9', 1, 50)], now);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(round).toMatchObject({ sent: 1, received: 0, error: 'fping did not finish in time' });
  });

  it('an fping that cannot run is an agent fault, not link loss', async () => {
    const missing = createIcmpProbe({ fpingPath: join(scratch, 'no-such-fping') });
    await expect(missing.runRound([icmp('x', '10.0.0.9')], now)).rejects.toThrow(/not found/);
    const broken = createIcmpProbe({
      fpingPath: fakeFping('echo "fping: can\'t create socket (must run as root?)" >&2; exit 4'),
    });
    await expect(broken.runRound([icmp('x', '10.0.0.9')], now)).rejects.toThrow(/exit code 4: fping: can't create/);
  });
});
