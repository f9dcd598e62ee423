import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createConsoleClient } from './console-client.ts';
import { startConsoleStandIn } from './console-stand-in.ts';
import type { ConsoleStandIn } from './console-stand-in.ts';
import { ensureCredential } from './enrolment.ts';
import { memoryLogger } from '../logger.ts';

let root: string;
let stateDir: string;
let standIn: ConsoleStandIn;
const token = 'enrol-1b7e0c9d4f2a6e83d5c1';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'enrol-'));
  stateDir = join(root, 'state');
  standIn = await startConsoleStandIn();
  standIn.tokens.add(token);
});
afterEach(async () => {
  await standIn.stop();
  await rm(root, { recursive: true, force: true });
});

const deps = (enrolToken?: string) => ({
  stateDir,
  client: createConsoleClient({ baseUrl: standIn.url, timeoutMs: 2000 }),
  enrolToken,
  hostname: 'agent-hz-01',
  version: '0.1.0',
  logger: memoryLogger(),
});

it('exchanges the token once, stores the credential 0600, and uses the stored one afterwards', async () => {
  const logger = memoryLogger();
  const first = await ensureCredential({ ...deps(`${token}\n`), logger });
  expect(first).toMatchObject({ enrolled: true, agentId: 'agent-1' });
  expect(standIn.credentials.has(first.credential)).toBe(true);
  const file = join(stateDir, 'credential');
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(await readFile(file, 'utf8')).toBe(`${first.credential}\n`);

  const again = await ensureCredential(deps(token)); // the spent token is not offered again
  expect(again).toEqual({ credential: first.credential, enrolled: false });
  expect(JSON.stringify(logger.lines)).not.toContain(first.credential);
  expect(JSON.stringify(logger.lines)).not.toContain(token);
});

it('says what to do when there is neither a credential nor a token', async () => {
  await expect(ensureCredential(deps())).rejects.toThrow(
    `no agent credential in ${join(stateDir, 'credential')} and no enrolment token: create a one-time enrolment token`,
  );
  await expect(ensureCredential(deps('short'))).rejects.toThrow('cannot enrol: malformed token');
});

it('stores nothing when the console refuses the token', async () => {
  await expect(ensureCredential(deps('unknown-token-000000000000'))).rejects.toMatchObject({
    kind: 'refused',
    status: 401,
  });
  await expect(stat(join(stateDir, 'credential'))).rejects.toMatchObject({ code: 'ENOENT' });
});

it('tightens a credential file others could read', async () => {
  await ensureCredential(deps(token));
  const file = join(stateDir, 'credential');
  await writeFile(file, 'cred-by-hand\n', { mode: 0o644 });
  await chmod(file, 0o644);
  const logger = memoryLogger();
  expect(await ensureCredential({ ...deps(), logger })).toEqual({ credential: 'cred-by-hand', enrolled: false });
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(logger.lines[0]?.msg).toMatch(/readable by other users/);
});
