import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConsoleClient } from './console-client.ts';
import { startConsoleStandIn } from './console-stand-in.ts';
import type { ConsoleStandIn } from './console-stand-in.ts';

/**
 * An HTTPS console whose certificate a private CA signed (made here with openssl): refused until
 * the agent is given the CA file. In a file of its own because trusting a CA is process-wide.
 */

let dir: string;
let standIn: ConsoleStandIn;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Provincial Test CA',
  );
  openssl('req', ...ec, '-keyout', 'console.key', '-out', 'console.csr', '-subj', '/CN=127.0.0.1');
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'console.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'console.pem',
  );
  const [key, cert] = await Promise.all([
    readFile(join(dir, 'console.key'), 'utf8'),
    readFile(join(dir, 'console.pem'), 'utf8'),
  ]);
  standIn = await startConsoleStandIn({ tls: { key, cert } });
  standIn.credentials.add('cred-ok');
});
afterAll(async () => {
  await standIn.stop();
  await rm(dir, { recursive: true, force: true });
});

it('trusts an HTTPS console only once given the CA that signed its certificate', async () => {
  const untrusting = createConsoleClient({ baseUrl: standIn.url, credential: 'cred-ok', timeoutMs: 2000 });
  await expect(untrusting.fetchConfig()).rejects.toMatchObject({
    kind: 'unavailable',
    message: /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i,
  });

  const client = createConsoleClient({
    baseUrl: standIn.url,
    credential: 'cred-ok',
    timeoutMs: 2000,
    caFile: join(dir, 'ca.pem'),
  });
  expect(await client.fetchConfig()).toMatchObject({ status: 'changed', config: { revision: 'rev-1' } });
  expect(() => createConsoleClient({ baseUrl: standIn.url, timeoutMs: 1, caFile: join(dir, 'san.ext') })).toThrow(
    /no PEM certificate/,
  );
});
