import { join } from 'node:path';

/**
 * How the agent process is started, in one place: the `agent` script in package.json says the
 * same (agents/launch.test.ts checks), and the demo, the end-to-end tests and the footprint
 * benchmark start it through `agentCommand`. A service unit running the agent without npm should
 * pass the same flag and environment.
 *
 * - `--max-semi-space-size=1` caps V8's young generation at 1 MiB per semi-space. Left alone, V8
 *   grows it to 16–32 MiB per semi-space under the steady trickle of rounds, scrapes and
 *   certificate scans and keeps it committed: 60–70 MiB of RSS for no gain, against a few tenths of
 *   a percent of CPU with the cap. (`--optimize-for-size` saved a little more RSS for noticeably
 *   more CPU; `--single-threaded-gc` saved nothing; there is no old-space cap, so a large
 *   certificate directory cannot crash the agent.)
 * - `NODE_COMPILE_CACHE` keeps the agent's type-stripped, compiled modules on disk. From the
 *   second start on, Node takes them from the cache and never loads its TypeScript stripper (a
 *   WebAssembly module that stays resident once loaded): about 20–30 MiB less RSS for the life of
 *   the process, with the source still run as is — no build step. Node checks each entry against
 *   the source's hash, so an edited file is compiled again; the first start after an install or
 *   an upgrade fills the cache and says so in its start-up log line (`compileCache: "cold"`).
 * - glibc's allocator, told to keep one arena and to give freed memory back past 64 KiB: the
 *   agent's threads (libuv's pool, V8's helpers) otherwise each keep an arena of freed pages, and
 *   the buffers of scrapes and fping output stay resident. About 14 MiB less RSS under 500 targets
 *   (bench/agent-footprint.ts) for no measurable CPU; other C libraries ignore the variables.
 */
export const agentNodeFlags = ['--max-semi-space-size=1'] as const;

/** Relative to the repository root, where npm runs the script: removed with node_modules. */
export const agentCompileCacheDir = 'node_modules/.cache/govops-agent';

/** Besides NODE_COMPILE_CACHE; in the order package.json's script lists them. */
export const agentAllocatorEnv = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_TRIM_THRESHOLD_: '65536',
  MALLOC_MMAP_THRESHOLD_: '65536',
} as const;

export type AgentCommand = { command: string; args: string[]; env: NodeJS.ProcessEnv };

/** `node <flags> agents/main.ts --config <file>` with the compile cache, on this process's Node. */
export function agentCommand(repoRoot: string, configPath: string, env: NodeJS.ProcessEnv = process.env): AgentCommand {
  return {
    command: process.execPath,
    args: [...agentNodeFlags, join(repoRoot, 'agents', 'main.ts'), '--config', configPath],
    env: { NODE_COMPILE_CACHE: join(repoRoot, agentCompileCacheDir), ...agentAllocatorEnv, ...env },
  };
}

/**
 * Whether this process's modules came from the compile cache: `warm` when the TypeScript stripper
 * was never needed, `cold` when it was (this start compiled them; the cache is written at exit,
 * ready for the next start), `off` without NODE_COMPILE_CACHE.
 */
export function compileCacheState(): 'warm' | 'cold' | 'off' {
  if (!process.env.NODE_COMPILE_CACHE) return 'off';
  // Node's own list of the internal modules it has loaded; amaro is the type stripper.
  const loaded = (process as { moduleLoadList?: string[] }).moduleLoadList ?? [];
  return loaded.includes('NativeModule internal/deps/amaro/dist/index') ? 'cold' : 'warm';
}
