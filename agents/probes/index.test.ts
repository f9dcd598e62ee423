import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeKind, Target } from '../../core/contracts/agent.ts';
import { createHttpProbe } from './http.ts';
import { createIcmpProbe } from './icmp.ts';
import { type ProbeRegistry, defaultProbes, probeFor, runKindRound, runRounds } from './index.ts';
import { createTcpProbe } from './tcp.ts';

const now = () => new Date('2025-03-01T08:00:00Z');
const base = { packets: 2, timeoutMs: 500, intervalSeconds: 5 };

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Fast pacing for tests; the ICMP probe points at a binary that does not exist. */
function probesWithoutFping(): ProbeRegistry {
  return {
    icmp: createIcmpProbe({ fpingPath: join(tmpdir(), 'gx-no-such-fping') }),
    tcp: createTcpProbe({ spacingMs: 10 }),
    http: createHttpProbe({ spacingMs: 10 }),
  };
}

describe('probeFor', () => {
  it.each(['icmp', 'tcp', 'http'] as const)('%s', (kind) => {
    expect(probeFor(kind).kind).toBe(kind);
    expect(probeFor(kind)).toBe(defaultProbes[kind]);
  });
});

describe('runRounds', () => {
  it('runs every kind and returns rounds in the order of the targets', async () => {
    const targets: Target[] = [
      { kind: 'http', id: 'web', url: `http://127.0.0.1:${port}/`, insecureTls: false, ...base },
      { kind: 'tcp', id: 'port', host: '127.0.0.1', port, ...base },
      { kind: 'http', id: 'web-2', url: `http://127.0.0.1:${port}/`, insecureTls: false, ...base },
    ];
    const rounds = await runRounds(targets, now, { probes: probesWithoutFping() });
    expect(rounds.map((round) => [round.targetId, round.kind, round.received])).toEqual([
      ['web', 'http', 2],
      ['port', 'tcp', 2],
      ['web-2', 'http', 2],
    ]);
  });

  it('a probe that cannot run is reported, and the other kinds still deliver', async () => {
    const failures: [ProbeKind, unknown][] = [];
    const targets: Target[] = [
      { kind: 'icmp', id: 'ping', host: '127.0.0.1', ...base },
      { kind: 'tcp', id: 'port', host: '127.0.0.1', port, ...base },
    ];
    const rounds = await runRounds(targets, now, {
      probes: probesWithoutFping(),
      onProbeFailure: (kind, error) => failures.push([kind, error]),
    });
    // No invented 100 % loss for the ICMP link: the agent, not the link, is broken.
    expect(rounds.map((round) => round.targetId)).toEqual(['port']);
    expect(failures).toHaveLength(1);
    expect(failures[0]![0]).toBe('icmp');
    expect(String(failures[0]![1])).toMatch(/fping/);
  });

  it('no targets, no rounds', async () => {
    expect(await runRounds([], now)).toEqual([]);
  });
});

describe('runKindRound', () => {
  it('runs only the targets of its kind, and rejects when the probe cannot run', async () => {
    const targets: Target[] = [
      { kind: 'icmp', id: 'ping', host: '127.0.0.1', ...base },
      { kind: 'tcp', id: 'port', host: '127.0.0.1', port, ...base },
    ];
    const probes = probesWithoutFping();
    const rounds = await runKindRound('tcp', targets, now, probes);
    expect(rounds.map((round) => round.targetId)).toEqual(['port']);
    expect(await runKindRound('http', targets, now, probes)).toEqual([]);
    await expect(runKindRound('icmp', targets, now, probes)).rejects.toThrow(/fping not found/);
  });
});
