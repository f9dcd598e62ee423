import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { agentConfigSchema, type AgentConfig } from '../../core/contracts/agent.ts';
import { writeFileAtomic } from '../delivery/atomic-file.ts';
import type { Logger } from '../logger.ts';

/**
 * The console's last configuration, kept in the state directory. An agent restarted while the
 * console is away (a power cut at the site often takes the uplink down too) goes on measuring
 * the links the console asked for instead of only the local file's, and its first poll sends the
 * cached ETag so an unchanged configuration is not downloaded again.
 */

const cachedSchema = z.object({ etag: z.string().max(200), config: agentConfigSchema });
export type CachedConsoleConfig = { etag: string; config: AgentConfig };

export const consoleCacheFileName = 'console-config.json';

export type ConsoleConfigCache = {
  read(): Promise<CachedConsoleConfig | null>;
  write(entry: CachedConsoleConfig): Promise<void>;
};

export function consoleConfigCache(stateDir: string, logger: Logger): ConsoleConfigCache {
  const file = join(stateDir, consoleCacheFileName);
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          logger.warn('cannot read the cached console configuration', { file, error: String(e) });
        }
        return null;
      }
      try {
        const parsed = cachedSchema.safeParse(JSON.parse(text));
        // A cache from an older agent version may not match today's schema: it is only a cache.
        if (parsed.success) return parsed.data;
        logger.warn('ignoring a cached console configuration that no longer validates', { file });
      } catch {
        logger.warn('ignoring a damaged cached console configuration', { file });
      }
      return null;
    },
    async write(entry) {
      await mkdir(stateDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, JSON.stringify(entry));
    },
  };
}
