import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkRoundSchema } from '../../core/contracts/agent.ts';
import { createTcpProbe, roundError, socketErrorMessage } from './tcp.ts';

const now = () => new Date('2025-03-01T08:00:00Z');
const tcp = (id: string, host: string, port: number, packets = 3) =>
  ({ kind: 'tcp', id, host, port, packets, timeoutMs: 500, intervalSeconds: 5 }) as const;

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('tcp probe against real sockets', () => {
  let server: Server;
  let port: number;
  const open = new Set<Socket>();
  let accepted = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      accepted++;
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('measures every connect, spaces them, and leaves no socket open', async () => {
    accepted = 0;
    const probe = createTcpProbe({ spacingMs: 50 });
    const started = performance.now();
    const [round] = await probe.runRound([tcp('lo', '127.0.0.1', port, 4)], now);
    // 4 attempts, 50 ms apart from the first: at least 150 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(round).toMatchObject({ targetId: 'lo', kind: 'tcp', sent: 4, received: 4, lossRatio: 0 });
    expect(round!.error).toBeUndefined();
    expect(round!.rttMs!.min).toBeGreaterThanOrEqual(0);
    expect(round!.rttMs!.max).toBeLessThan(500);
    expect(round!.jitterMs).not.toBeNull();
    expect(linkRoundSchema.parse(round)).toEqual(round);
    await expect.poll(() => accepted).toBe(4);
    await expect.poll(() => open.size).toBe(0);
  });

  it('a closed port loses every attempt as "connection refused"', async () => {
    const [round] = await createTcpProbe({ spacingMs: 20 }).runRound(
      [tcp('closed', '127.0.0.1', await closedPort())],
      now,
    );
    expect(round).toMatchObject({ sent: 3, received: 0, lossRatio: 1, rttMs: null, error: 'connection refused' });
  });

  it('a name that does not resolve loses the whole round', async () => {
    const [round] = await createTcpProbe({ spacingMs: 20 }).runRound([tcp('nx', 'nonexistent.invalid', 80)], now);
    expect(round).toMatchObject({ sent: 3, received: 0, lossRatio: 1 });
    expect(round!.error).toMatch(/host not resolved|name resolution/);
  });

  it('runs targets side by side and returns rounds in the order given', async () => {
    const refused = await closedPort();
    const probe = createTcpProbe({ spacingMs: 100 });
    const started = performance.now();
    const rounds = await probe.runRound([tcp('a', '127.0.0.1', port), tcp('b', '127.0.0.1', refused)], now);
    // Two targets × 3 attempts 100 ms apart would take ≥ 400 ms one after the other.
    expect(performance.now() - started).toBeLessThan(400);
    expect(rounds.map((round) => [round.targetId, round.received])).toEqual([
      ['a', 3],
      ['b', 0],
    ]);
  });
});

describe('socketErrorMessage', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'connection refused'],
    [{ code: 'ENETUNREACH' }, 'network unreachable'],
    [{ code: 'ENOTFOUND' }, 'host not resolved'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'self-signed certificate'],
    [{ code: 'HPE_INVALID_CONSTANT' }, 'invalid HTTP response'],
    [new Error('something odd'), 'something odd'],
    ['x'.repeat(300), 'x'.repeat(100)],
  ])('%o → %s', (error, message) => {
    expect(socketErrorMessage(error)).toBe(message);
  });
});

describe('roundError', () => {
  it.each([
    [[], undefined],
    [['timed out'], 'timed out'],
    [['connection refused', 'timed out', 'timed out'], 'timed out; connection refused'],
  ])('%j → %s', (failures, want) => {
    expect(roundError(failures)).toBe(want);
  });

  it("stays within the contract's 200 characters", () => {
    const many = Array.from({ length: 30 }, (_, i) => `reason number ${i}`);
    expect(roundError(many)).toHaveLength(200);
  });
});
