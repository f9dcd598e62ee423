import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { agentAllocatorEnv, agentCompileCacheDir, agentNodeFlags } from './launch.ts';

/**
 * The agent's memory budget rests on how it is started: `npm run agent` must say what
 * agents/launch.ts says, and Node must really skip its TypeScript stripper once the agent's
 * modules are in the compile cache.
 */

const repoRoot = join(import.meta.dirname, '..');
const cacheDir = mkdtempSync(join(tmpdir(), 'agent-compile-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A fresh Node that loads the launch module and the agent's configuration loader (zod, yaml, …). */
function startState(env: NodeJS.ProcessEnv): string {
  const script = [
    `const launch = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'launch.ts')).href)});`,
    `await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'config', 'local-file.ts')).href)});`,
    'console.log(launch.compileCacheState());',
  ].join('\n');
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }).trim();
}

describe('starting the agent', () => {
  it('npm run agent passes the flags and the compile cache of agents/launch.ts', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { agent: string } };
    const allocator = Object.entries(agentAllocatorEnv).map(([name, value]) => `${name}=${value}`);
    expect(pkg.scripts.agent).toBe(
      [`NODE_COMPILE_CACHE=${agentCompileCacheDir}`, ...allocator, 'node', ...agentNodeFlags, 'agents/main.ts'].join(
        ' ',
      ),
    );
  });

  it('compiles the agent once, then starts it from the cache without the TypeScript stripper', () => {
    const { NODE_COMPILE_CACHE: _ignored, ...withoutCache } = process.env;
    expect(startState(withoutCache)).toBe('off');
    expect(startState({ ...withoutCache, NODE_COMPILE_CACHE: cacheDir })).toBe('cold');
    expect(startState({ ...withoutCache, NODE_COMPILE_CACHE: cacheDir })).toBe('warm');
  });
});
