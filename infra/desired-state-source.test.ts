import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDesiredState } from './desired-state-source.ts';
import { twoSiteState } from './testing/sample-state.ts';

const doc = twoSiteState();
const dir = mkdtempSync(join(tmpdir(), 'govops-desired-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('loadDesiredState from a file', () => {
  it('reads and checks a good document', async () => {
    await expect(loadDesiredState(file('good.json', JSON.stringify(doc)))).resolves.toEqual(doc);
  });

  it('resolves a relative path against the given directory', async () => {
    file('relative.json', JSON.stringify(doc));
    await expect(loadDesiredState('relative.json', { baseDir: dir })).resolves.toMatchObject({ revision: 7 });
  });

  it('says which file is missing', async () => {
    await expect(loadDesiredState('absent.json', { baseDir: dir })).rejects.toThrow(
      `cannot read the desired state from ${join(dir, 'absent.json')}: no such file`,
    );
  });

  it('says the file is not JSON', async () => {
    const path = file('broken.json', '{"revision": 7,');
    await expect(loadDesiredState(path)).rejects.toThrow(`desired state from ${path} is not JSON:`);
  });

  it('names each place the document breaks the schema', async () => {
    const bad = structuredClone(doc) as any;
    bad.sites[0].namespaces[1].name = 'Dept_Upper';
    bad.sites[1].capacity[0].capacity = -1;
    delete bad.revision;
    const path = file('schema.json', JSON.stringify(bad));
    const error = await loadDesiredState(path).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`^desired state from ${path} does not match the schema:\n`));
    expect((error as Error).message).toContain('  revision: ');
    expect((error as Error).message).toContain('  sites.0.namespaces.1.name: ');
    expect((error as Error).message).toContain('  sites.1.capacity.0.capacity: ');
  });
});

describe('loadDesiredState from the console API', () => {
  type Answer = { status: number; body?: string; headers?: Record<string, string> };
  let answer: Answer = { status: 200 };
  const seen: IncomingHttpHeaders[] = [];
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/provisioning/desired-state`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const consoleError = (code: string, message: string) => JSON.stringify({ error: { code, message } });

  it('sends the token as a bearer credential and reads the document', async () => {
    answer = { status: 200, body: JSON.stringify(doc) };
    await expect(loadDesiredState(url, { token: 'gov_s3cret' })).resolves.toEqual(doc);
    expect(seen.at(-1)).toMatchObject({ authorization: 'Bearer gov_s3cret', accept: 'application/json' });
  });

  it('sends no authorization header without a token', async () => {
    answer = { status: 200, body: JSON.stringify(doc) };
    await loadDesiredState(url);
    expect(seen.at(-1)!.authorization).toBeUndefined();
  });

  it('explains a refused token without printing it', async () => {
    answer = { status: 401, body: consoleError('unauthenticated', 'token expired') };
    const error = (await loadDesiredState(url, { token: 'gov_s3cret' }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `the console at ${url} answered 401: the API token was refused ("token expired"); ` +
        'create a new cloud-operator token and run `pulumi config set --secret consoleToken <token>`',
    );
    expect(error.message).not.toContain('gov_s3cret');
  });

  it('asks for a token when none was sent', async () => {
    answer = { status: 401, body: consoleError('unauthenticated', 'sign in') };
    await expect(loadDesiredState(url)).rejects.toThrow('answered 401: a token is required ("sign in")');
  });

  it('explains a 403 as the wrong role', async () => {
    answer = { status: 403, body: consoleError('forbidden', 'viewer may not') };
    await expect(loadDesiredState(url, { token: 't' })).rejects.toThrow(
      `answered 403: the token's account may not read the desired state ("viewer may not"); use a cloud-operator token`,
    );
  });

  it('refuses a 304, since nothing was cached to revalidate', async () => {
    answer = { status: 304 };
    await expect(loadDesiredState(url, { token: 't' })).rejects.toThrow(
      `the console at ${url} answered 304: Not Modified, although nothing was cached`,
    );
  });

  it("passes on the console's message for a 500", async () => {
    answer = { status: 500, body: consoleError('internal', 'ledger unavailable') };
    await expect(loadDesiredState(url, { token: 't' })).rejects.toThrow(
      `the console at ${url} answered 500: expected the document with 200 ("ledger unavailable")`,
    );
  });

  it('does not follow a redirect to a login page', async () => {
    answer = { status: 302, headers: { location: '/login' } };
    await expect(loadDesiredState(url, { token: 't' })).rejects.toThrow(
      'answered 302: a redirect to /login; point desiredState at the API URL itself',
    );
  });

  it('checks what the console sent against the schema too', async () => {
    answer = { status: 200, body: JSON.stringify({ ...doc, sites: 'none' }) };
    await expect(loadDesiredState(url)).rejects.toThrow(
      `desired state from ${url} does not match the schema:\n  sites: `,
    );
  });

  it('says when the console cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(loadDesiredState(`http://127.0.0.1:${port}/x`)).rejects.toThrow(
      `cannot reach the console at http://127.0.0.1:${port}/x: connect ECONNREFUSED`,
    );
  });
});
