import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startConsoleStandIn, type ConsoleStandIn } from './delivery/console-stand-in.ts';
import { agentCommand } from './launch.ts';
import { freePort } from '../test/agent-process.ts';

/**
 * The agent as a process: enrols with the console stand-in, measures a console target and a local
 * one against a real TCP listener, pushes the rounds, serves them on /metrics, and on SIGTERM
 * puts what it holds in the spool and exits 0.
 */

const token = 'enrol-0123456789abcdefghij';

describe('agent process', () => {
  let dir: string;
  let standIn: ConsoleStandIn;
  let echo: Server;
  let agent: ChildProcess;
  let output = '';
  let metricsPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-main-'));
    echo = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const tcpPort = (echo.address() as { port: number }).port;
    standIn = await startConsoleStandIn();
    standIn.tokens.add(token);
    standIn.config = {
      revision: 'rev-2',
      targets: [
        { id: 'C-tcp', kind: 'tcp', host: '127.0.0.1', port: tcpPort, intervalSeconds: 5, packets: 2, timeoutMs: 500 },
      ],
      certSources: [],
      trustAnchorsPem: [],
      certScanSeconds: 3600,
    };
    standIn.etag = '"rev-2"';
    metricsPort = await freePort();
    await writeFile(
      join(dir, 'agent.yaml'),
      [
        `console: { url: "${standIn.url}", enrolToken: "${token}" }`,
        'stateDir: state',
        `listen: "127.0.0.1:${metricsPort}"`,
        'targets:',
        `  - { id: L-tcp, kind: tcp, host: 127.0.0.1, port: ${tcpPort}, intervalSeconds: 5, packets: 2, timeoutMs: 500 }`,
      ].join('\n'),
    );
    const launch = agentCommand(join(import.meta.dirname, '..'), join(dir, 'agent.yaml'));
    agent = spawn(launch.command, launch.args, { env: launch.env, stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    agent.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });

  afterAll(async () => {
    if (agent.exitCode === null) agent.kill('SIGKILL');
    await standIn.stop();
    await new Promise((resolve) => echo.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('measures console and local targets, pushes those the console assigned, serves /metrics, and stops cleanly on SIGTERM', async () => {
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    await vi.waitFor(
      async () => {
        const text = await scrape();
        expect(text).toContain('probe_success{target="C-tcp",kind="tcp"} 1');
        expect(text).toContain('probe_success{target="L-tcp",kind="tcp"} 1');
        expect(text).toMatch(/agent_config_revision_info\{revision="rev-2\+l[0-9a-f]{12}"\} 1/);
      },
      { timeout: 15_000, interval: 250 },
    );
    // The console's target is pushed; the file's own is measured for /metrics only, since the
    // console refuses rounds of links it did not assign.
    await vi.waitFor(() => expect(standIn.stored.flatMap((b) => b.rounds)).not.toHaveLength(0), {
      timeout: 10_000,
      interval: 250,
    });
    expect(new Set(standIn.stored.flatMap((b) => b.rounds.map((r) => r.targetId)))).toEqual(new Set(['C-tcp']));

    const exited = new Promise<number | null>((resolve) => agent.once('exit', resolve));
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"stopped"');
    // The one-time token and the credential never reach the log.
    expect(output).not.toContain(token);
    for (const credential of standIn.credentials) expect(output).not.toContain(credential);
  }, 40_000);
});
