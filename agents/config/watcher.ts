import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AgentConfig } from '../../core/contracts/agent.ts';
import type { Logger } from '../logger.ts';
import type { ConsoleConfigCache } from './console-cache.ts';
import { effectiveConfig, sameEntry, type EffectiveConfig } from './effective.ts';
import { loadLocalConfig, type LocalConfig } from './local-file.ts';
import { formatProblem } from './problems.ts';

/**
 * Keeps the effective configuration current: the local file is reloaded when it changes, and the
 * console's configuration is polled with its ETag. A broken edit or an unreachable console never
 * takes measurement down: the problems are logged with field and line, and the configuration in
 * force stays in force until a valid one replaces it.
 */

export type ConsoleConfigAnswer =
  | { status: 'changed'; config: AgentConfig; etag: string }
  | { status: 'unchanged' }
  | { status: 'error'; message: string };

export type ConfigWatcher = {
  /** Watches and polls; delivers the starting configuration to `onChange` first. */
  start(): Promise<void>;
  /** Stops watching and polling, and waits for a change being delivered. */
  stop(): Promise<void>;
  current(): EffectiveConfig;
  /** Reads the file again now; `invalid` keeps the previous configuration. */
  reloadLocal(): Promise<'applied' | 'unchanged' | 'invalid'>;
  /** Asks the console now; `error` keeps the previous configuration. */
  pollConsole(): Promise<'applied' | 'unchanged' | 'error'>;
};

/** Fields read once at start: the agent's identity, sockets and spool are not swapped live. */
const restartOnly = ['console', 'stateDir', 'listen', 'spool'] as const;

export function createConfigWatcher({
  local: initialLocal,
  fetchConfig,
  onChange,
  logger,
  cache,
  pollIntervalMs = 60_000,
  statIntervalMs = 5_000,
  debounceMs = 200,
  watchFiles = true,
}: {
  /** The file as loaded at start (main needs it before anything else, for the console URL). */
  local: LocalConfig;
  fetchConfig: (etag: string | null) => Promise<ConsoleConfigAnswer>;
  onChange: (config: EffectiveConfig) => void | Promise<void>;
  logger: Logger;
  cache?: ConsoleConfigCache;
  pollIntervalMs?: number;
  /** The stat fallback: catches what fs.watch misses (network filesystems, ConfigMap symlink swaps). */
  statIntervalMs?: number;
  debounceMs?: number;
  watchFiles?: boolean;
}): ConfigWatcher {
  let local = initialLocal;
  let remote: AgentConfig | null = null;
  let etag: string | null = null;
  let effective = merge().config;
  let delivered: string | null = null;
  let delivering: Promise<void> = Promise.resolve();
  let fileSignature: string | null = null;
  let consoleFailing = false;
  let stopped = false;
  let fsWatcher: FSWatcher | undefined;
  let statTimer: NodeJS.Timeout | undefined;
  let debounceTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let polling: Promise<unknown> = Promise.resolve();
  let reloading: Promise<unknown> = Promise.resolve();

  /** The merge's warnings are logged when its result is put in force, so once per change. */
  function merge(): { config: EffectiveConfig; log: () => void } {
    const { config, warnings } = effectiveConfig(local, remote);
    const log = () => {
      for (const w of warnings) logger.warn(`${w.kind} ${w.id}: ${w.message}`, { id: w.id, kind: w.kind });
    };
    return { config, log };
  }

  /** Hands a new configuration on, one at a time and in order, skipping repeats. */
  function deliver() {
    const config = effective;
    delivering = delivering.then(async () => {
      if (stopped || config.revision === delivered) return;
      delivered = config.revision;
      logger.info('configuration applied', { revision: config.revision, targets: config.targets.length });
      try {
        await onChange(config);
      } catch (e) {
        logger.error('applying the configuration failed', { revision: config.revision, error: String(e) });
      }
    });
    return delivering;
  }

  /** The config file and the trust anchors it names: a change in any of them means a reload. */
  async function signature(): Promise<string> {
    const paths = [local.file, ...local.trustAnchors];
    const parts = await Promise.all(
      paths.map((p) =>
        stat(p).then(
          (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
          () => 'missing',
        ),
      ),
    );
    return parts.join('|');
  }

  async function reloadLocal(): Promise<'applied' | 'unchanged' | 'invalid'> {
    const run = reloading.then(async () => {
      fileSignature = await signature();
      const loaded = await loadLocalConfig(local.file);
      if (!loaded.ok) {
        logger.error('the configuration file has problems; the previous configuration stays in force', {
          file: local.file,
          problems: loaded.problems.length,
        });
        for (const p of loaded.problems) logger.error(formatProblem(p), { file: local.file, ...p });
        return 'invalid' as const;
      }
      for (const field of restartOnly) {
        if (!sameEntry(loaded.config[field], initialLocal[field])) {
          logger.warn(`${field} changed in the configuration file; restart the agent to apply it`, { field });
        }
      }
      local = loaded.config;
      return apply();
    });
    reloading = run.catch(() => undefined);
    return run;
  }

  async function pollConsole(): Promise<'applied' | 'unchanged' | 'error'> {
    let answer: ConsoleConfigAnswer;
    try {
      answer = await fetchConfig(etag);
    } catch (e) {
      answer = { status: 'error', message: String(e) };
    }
    if (answer.status === 'error') {
      // Logged when the console becomes unreachable and when it is back, not on every poll.
      if (!consoleFailing)
        logger.warn('console configuration unavailable; keeping the current one', { error: answer.message });
      consoleFailing = true;
      return 'error';
    }
    if (consoleFailing) logger.info('console configuration reachable again');
    consoleFailing = false;
    if (answer.status === 'unchanged') return 'unchanged';
    remote = answer.config;
    etag = answer.etag;
    await cache?.write({ etag: answer.etag, config: answer.config }).catch((e: unknown) => {
      logger.warn('cannot cache the console configuration', { error: String(e) });
    });
    return apply();
  }

  async function apply(): Promise<'applied' | 'unchanged'> {
    const next = merge();
    if (next.config.revision === effective.revision) return 'unchanged';
    effective = next.config;
    next.log();
    await deliver();
    return 'applied';
  }

  async function checkFile() {
    if (stopped) return;
    try {
      if ((await signature()) !== fileSignature) await reloadLocal();
    } catch (e) {
      logger.error('checking the configuration file failed', { error: String(e) });
    }
  }

  function schedulePoll() {
    if (stopped) return;
    pollTimer = setTimeout(() => {
      polling = pollConsole().finally(schedulePoll);
    }, pollIntervalMs);
  }

  return {
    async start() {
      const cached = await cache?.read();
      if (cached) {
        remote = cached.config;
        etag = cached.etag;
      }
      const initial = merge();
      effective = initial.config;
      initial.log();
      fileSignature = await signature();
      await deliver();
      if (watchFiles) {
        try {
          // The directory, not the file: editors and ConfigMaps replace the file by renaming.
          fsWatcher = watch(dirname(local.file), () => {
            clearTimeout(debounceTimer);
            debounceTimer = setTimeout(() => void checkFile(), debounceMs);
          });
          fsWatcher.on('error', (e) => logger.warn('watching the configuration file failed', { error: String(e) }));
        } catch (e) {
          logger.warn('cannot watch the configuration file; checking it periodically', { error: String(e) });
        }
      }
      statTimer = setInterval(() => void checkFile(), statIntervalMs);
      polling = pollConsole().finally(schedulePoll);
    },
    async stop() {
      stopped = true;
      fsWatcher?.close();
      clearInterval(statTimer);
      clearTimeout(debounceTimer);
      clearTimeout(pollTimer);
      await Promise.all([polling, reloading, delivering]);
    },
    current: () => effective,
    reloadLocal,
    pollConsole,
  };
}
