import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { agentConfigSchema, type AgentConfig } from '../../core/contracts/agent.ts';
import { memoryLogger } from '../logger.ts';
import { consoleConfigCache } from './console-cache.ts';
import type { EffectiveConfig } from './effective.ts';
import { loadLocalConfig, type LocalConfig } from './local-file.ts';
import { createConfigWatcher, type ConfigWatcher, type ConsoleConfigAnswer } from './watcher.ts';

const header = 'console: { url: "https://console.example" }\n';
const fileWith = (...ids: string[]) =>
  `${header}targets:\n${ids.map((id) => `  - { id: ${id}, kind: icmp, host: 10.0.0.1 }`).join('\n')}\n`;

const consoleConfig = (revision: string, ...ids: string[]): AgentConfig =>
  agentConfigSchema.parse({
    revision,
    targets: ids.map((id) => ({ id, kind: 'tcp', host: 'h', port: 22 })),
    certSources: [],
  });

const ids = (c: EffectiveConfig | undefined) => c?.targets.map((t) => t.id);

describe('config watcher', () => {
  let dir: string;
  let file: string;
  let watcher: ConfigWatcher | undefined;
  const changes: EffectiveConfig[] = [];
  const logger = memoryLogger();
  let answers: ConsoleConfigAnswer[];
  const asked: (string | null)[] = [];

  async function start(options: { watchFiles?: boolean; statIntervalMs?: number } = {}) {
    const loaded = await loadLocalConfig(file);
    if (!loaded.ok) throw new Error('fixture invalid');
    watcher = createConfigWatcher({
      local: loaded.config as LocalConfig,
      fetchConfig: async (etag) => {
        asked.push(etag);
        return answers.shift() ?? { status: 'unchanged' };
      },
      onChange: (c) => void changes.push(c),
      logger,
      cache: consoleConfigCache(dir, logger),
      pollIntervalMs: 60_000,
      statIntervalMs: options.statIntervalMs ?? 60_000,
      debounceMs: 20,
      watchFiles: options.watchFiles ?? true,
    });
    await watcher.start();
    return watcher;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-watch-'));
    file = join(dir, 'agent.yaml');
    await writeFile(file, fileWith('L-a'));
    changes.length = 0;
    asked.length = 0;
    logger.lines.length = 0;
    answers = [];
  });
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers the starting configuration, then a valid edit of the file (fs.watch)', async () => {
    await start();
    expect(changes.map(ids)).toEqual([['L-a']]);
    await writeFile(file, fileWith('L-a', 'L-b'));
    await vi.waitFor(() => expect(changes.map(ids)).toEqual([['L-a'], ['L-a', 'L-b']]), { timeout: 5000 });
  });

  it('notices an edit by the periodic stat when file events are not available', async () => {
    await start({ watchFiles: false, statIntervalMs: 30 });
    await writeFile(file, fileWith('L-c'));
    await vi.waitFor(() => expect(ids(changes.at(-1))).toEqual(['L-c']), { timeout: 5000 });
  });

  it('keeps the previous configuration on a broken edit and logs each problem with field and line', async () => {
    const w = await start({ watchFiles: false });
    const before = w.current();
    await writeFile(
      file,
      `${header}targets:\n  - { id: L-a, kind: icmp }\n  - { id: L-b, kind: tcp, host: h, port: 0 }\n`,
    );
    expect(await w.reloadLocal()).toBe('invalid');
    expect(w.current()).toBe(before);
    expect(changes).toHaveLength(1);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'the configuration file has problems; the previous configuration stays in force',
      'targets.0.host (line 3, column 5): required',
      'targets.1.port (line 4, column 42): Too small: expected number to be >=1',
    ]);
    expect(logger.lines.find((l) => l.msg.startsWith('targets.1.port'))?.fields).toMatchObject({
      path: 'targets.1.port',
      line: 4,
      column: 42,
    });
    // Fixing the file applies it.
    await writeFile(file, fileWith('L-a', 'L-d'));
    expect(await w.reloadLocal()).toBe('applied');
    expect(ids(changes.at(-1))).toEqual(['L-a', 'L-d']);
  });

  it('says which edits need a restart rather than half-applying them', async () => {
    const w = await start({ watchFiles: false });
    await writeFile(file, `console: { url: "https://elsewhere.example" }\nlisten: "0.0.0.0:9465"\n`);
    expect(await w.reloadLocal()).toBe('applied');
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings).toEqual([
      'console changed in the configuration file; restart the agent to apply it',
      'listen changed in the configuration file; restart the agent to apply it',
    ]);
  });

  it('polls the console with its ETag, applies changes, and rides out errors', async () => {
    answers = [{ status: 'changed', config: consoleConfig('r1', 'C-1'), etag: '"e1"' }];
    const w = await start({ watchFiles: false });
    await vi.waitFor(() => expect(ids(changes.at(-1))).toEqual(['C-1', 'L-a']));
    expect(changes.at(-1)?.consoleRevision).toBe('r1');

    expect(await w.pollConsole()).toBe('unchanged');
    answers = [
      { status: 'error', message: 'ECONNREFUSED' },
      { status: 'error', message: 'ECONNREFUSED' },
    ];
    expect(await w.pollConsole()).toBe('error');
    expect(await w.pollConsole()).toBe('error');
    expect(ids(w.current())).toEqual(['C-1', 'L-a']);
    expect(asked).toEqual([null, '"e1"', '"e1"', '"e1"']);
    // One warning for the outage, however many polls fail.
    expect(logger.lines.filter((l) => l.msg.startsWith('console configuration unavailable'))).toHaveLength(1);

    answers = [{ status: 'changed', config: consoleConfig('r2', 'C-2'), etag: '"e2"' }];
    expect(await w.pollConsole()).toBe('applied');
    expect(ids(changes.at(-1))).toEqual(['C-2', 'L-a']);
    expect(logger.lines.some((l) => l.msg === 'console configuration reachable again')).toBe(true);
  });

  it('starts from the cached console configuration when the console is away', async () => {
    answers = [{ status: 'changed', config: consoleConfig('r7', 'C-7'), etag: '"e7"' }];
    await start({ watchFiles: false });
    await vi.waitFor(() => expect(changes.at(-1)?.consoleRevision).toBe('r7'));
    await watcher!.stop();

    changes.length = 0;
    asked.length = 0;
    answers = [{ status: 'error', message: 'no route to host' }];
    await start({ watchFiles: false });
    expect(changes.map(ids)).toEqual([['C-7', 'L-a']]);
    await vi.waitFor(() => expect(asked).toEqual(['"e7"']));
  });
});
