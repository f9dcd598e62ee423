import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer as createTcpServer } from 'node:net';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { promisify } from 'node:util';
import {
  ConsoleApiError,
  consoleIsUp,
  createOperatorClient,
  errorCode,
  type OperatorClient,
  refusal,
} from './console-api.ts';
import { agentCommand } from '../launch.ts';
import { ensureDemoPki, opensslUnavailableReason, type DemoPki } from './demo-pki.ts';
import {
  demoAgentYaml,
  demoDepartmentCode,
  demoIdentity,
  demoLinks,
  demoParentLinkCode,
  type LinkBody,
  type Placement,
} from './demo-plan.ts';

/**
 * `npm run demo-agent`: a site agent on this machine, measuring loopback links and scanning demo
 * certificates, against a console that already runs (`npm start` in another terminal). It:
 *
 *  1. checks the console answers `/healthz` (CONSOLE_URL, default http://127.0.0.1:8080);
 *  2. takes an operator token from CONSOLE_TOKEN, or makes a network-operator one with the admin
 *     CLI (as a separate process, on the same DATABASE_URL as the console);
 *  3. creates the agent `demo-agent-<hostname>`, or reissues its enrolment token (revoking it
 *     when active) and forgets the local state so it enrols again;
 *  4. makes the demo certificates once with the OpenSSL CLI and adds their roots as trust anchors;
 *  5. creates or updates its four links beneath the demo province's backbone;
 *  6. serves the RSA chain on a TLS port, writes `<dir>/agent.yaml` and runs the agent in the
 *     foreground; Ctrl+C (or SIGTERM) stops it cleanly.
 *
 * It talks to the console over HTTP only and never imports console code.
 *
 * Environment: CONSOLE_URL, CONSOLE_TOKEN, DATABASE_URL (for the admin CLI), DEMO_AGENT_DIR
 * (default ./data/demo-agent), DEMO_AGENT_LISTEN (the agent's /metrics, default 127.0.0.1:9465),
 * DEMO_TLS_PORT (default 9466; 0 for any free port).
 */

const repoRoot = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

class DemoStop extends Error {}
/** Stops the demo with a message for the person at the terminal (exit 1). */
function stop(message: string): never {
  throw new DemoStop(message);
}

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const consoleUrl = (process.env.CONSOLE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  if (!URL.canParse(consoleUrl) || !/^https?:$/.test(new URL(consoleUrl).protocol)) {
    stop(`CONSOLE_URL must be an http:// or https:// URL, got ${JSON.stringify(consoleUrl)}`);
  }
  const dir = resolve(process.env.DEMO_AGENT_DIR ?? join('data', 'demo-agent'));
  const listen = process.env.DEMO_AGENT_LISTEN ?? '127.0.0.1:9465';
  const tlsPortWanted = Number(process.env.DEMO_TLS_PORT ?? 9466);

  if (!(await consoleIsUp(consoleUrl))) {
    stop(
      `no console answers at ${consoleUrl}/healthz: start the console first: npm start\n` +
        `  (in another terminal), then run npm run demo-agent again. A console elsewhere:\n` +
        `  CONSOLE_URL=http://host:port npm run demo-agent`,
    );
  }

  const token = process.env.CONSOLE_TOKEN?.trim() || (await tokenFromAdminCli());
  const api = createOperatorClient(consoleUrl, token);
  await checkToken(api, consoleUrl);

  const identity = demoIdentity(hostname());
  const placement = await findPlacement(api);

  // The first change: a token that may only read stops here, before anything is made.
  const agent = await ensureAgent(api, identity.agentName, placement.department);
  // The old credential died with the new token; the spool and cached configuration go with it.
  await rm(join(dir, 'state'), { recursive: true, force: true });

  const opensslProblem = opensslUnavailableReason();
  let pki: DemoPki | null = null;
  if (opensslProblem) {
    say(`! no demo certificates: ${opensslProblem} (install the openssl package); links only.`);
  } else {
    pki = await ensureDemoPki(join(dir, 'certs'));
    const what = { everything: 'made', leaves: 'reissued the leaves of', nothing: 'reusing' }[pki.made];
    say(`${what} the demo certificates in ${shown(join(dir, 'certs'))}`);
    await addTrustAnchors(api, pki);
  }

  const closedPort = await closedLoopbackPort();
  const links = demoLinks({ identity, consoleUrl, closedPort, agentId: agent.id, placement });
  for (const link of links) await upsertLink(api, link);

  const tls = pki ? await startTlsEndpoint(pki, tlsPortWanted) : null;
  const yamlPath = join(dir, 'agent.yaml');
  await mkdir(dir, { recursive: true });
  await writeFile(
    yamlPath,
    demoAgentYaml({
      consoleUrl,
      enrolToken: agent.enrolToken,
      listen,
      department: placement.department,
      tlsPort: tls ? tls.port : null,
    }),
    { mode: 0o600 },
  );
  await chmod(yamlPath, 0o600); // it holds the enrolment token, also when an older file was there

  printGuide({ consoleUrl, listen, identity, agent, links, placement, pki, tlsPort: tls?.port ?? null, yamlPath });
  const fpingProblem = fpingUnavailableReason();
  if (fpingProblem) say(`! ${fpingProblem}: the ICMP link stays UNKNOWN (install the fping package).`);

  return runAgent(yamlPath, () => tls?.server.close());
}

/** A fresh network-operator token from the admin CLI, on this environment's DATABASE_URL. */
async function tokenFromAdminCli(): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const name = `demo-agent-${stamp}`;
  const cli = join(repoRoot, 'console', 'admin', 'cli.ts');
  try {
    const { stdout } = await run(process.execPath, [cli, 'create-token', name, '--role', 'network-operator'], {
      env: process.env,
      encoding: 'utf8',
    });
    const token = stdout.trim().split('\n').at(-1)?.trim();
    if (!token) stop(`the admin CLI printed no token:\n${stdout}`);
    say(`made the API token "${name}" (network-operator) with the admin CLI`);
    return token;
  } catch (error) {
    if (error instanceof DemoStop) throw error;
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? String(error);
    stop(
      `the admin CLI could not make a token:\n${stderr}\n` +
        `  Run the demo with the console's DATABASE_URL, or pass a network-operator token in CONSOLE_TOKEN.`,
    );
  }
}

/** Fails early, with the likely cause, when the console does not take the token. */
async function checkToken(api: OperatorClient, consoleUrl: string): Promise<void> {
  const reply = await api.call('GET', '/agents?limit=1');
  if (reply.status === 200) return;
  if (reply.status === 401) {
    const store = process.env.DATABASE_URL ?? 'sqlite:./data/console.db';
    stop(
      process.env.CONSOLE_TOKEN
        ? `the console at ${consoleUrl} does not accept CONSOLE_TOKEN.`
        : `the console at ${consoleUrl} does not know the token the admin CLI made in ${redact(store)}.\n` +
            `  Run the demo with the same DATABASE_URL (and CONSOLE_SECRET_KEY) as the console, ` +
            `or pass a network-operator token in CONSOLE_TOKEN.`,
    );
  }
  if (reply.status === 403) stop('the token may not manage agents and links: it needs the network-operator role.');
  stop(`GET ${consoleUrl}/api/v1/agents answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
}

/** Beneath the backbone and for the department when the console has the demo province; else a root link. */
async function findPlacement(api: OperatorClient): Promise<Placement> {
  const parent = await api.call<{ region: string | null }>('GET', `/links/${demoParentLinkCode}`);
  const department = await api.call('GET', `/departments/${demoDepartmentCode}`);
  return {
    parent: parent.status === 200 ? demoParentLinkCode : null,
    region: parent.status === 200 ? parent.body.region : null,
    department: department.status === 200 ? demoDepartmentCode : null,
  };
}

async function addTrustAnchors(api: OperatorClient, pki: DemoPki): Promise<void> {
  let added = 0;
  for (const root of pki.roots) {
    const reply = await api.call('POST', '/trust-anchors', { name: root.name, pem: root.pem });
    if (reply.status === 201) added++;
    else if (reply.status !== 409) throw refusal('POST', '/trust-anchors', reply);
  }
  say(`trust anchors: ${added} root(s) added, ${pki.roots.length - added} already there`);
}

type DemoAgent = { id: string; enrolToken: string; reused: boolean };

/** Creates the agent, or gives the existing one a new enrolment token (revoking it first when active). */
async function ensureAgent(api: OperatorClient, name: string, department: string | null): Promise<DemoAgent> {
  type Issued = { agent: { id: string }; enrolment: { token: string } };
  const found = await api.send<{ items: { id: string; name: string; status: string }[] }>(
    'GET',
    `/agents?q=${encodeURIComponent(name)}&limit=500`,
  );
  const existing = found.items.find((a) => a.name === name);
  if (!existing) {
    const created = await api.send<Issued>('POST', '/agents', { name, ...(department ? { department } : {}) });
    say(`created the agent "${name}"`);
    return { id: created.agent.id, enrolToken: created.enrolment.token, reused: false };
  }
  if (existing.status === 'active') await api.send('POST', `/agents/${existing.id}/revoke`);
  const issued = await api.send<Issued>('POST', `/agents/${existing.id}/enrolment-token`);
  say(`reusing the agent "${name}": new enrolment token, local state cleared`);
  return { id: existing.id, enrolToken: issued.enrolment.token, reused: true };
}

async function upsertLink(api: OperatorClient, link: LinkBody): Promise<void> {
  const reply = await api.call('POST', '/links', link);
  if (reply.status === 201) return;
  if (reply.status !== 409 || errorCode(reply) !== 'link_exists') throw refusal('POST', '/links', reply);
  const { code: linkCode, ...changes } = link;
  await api.send('PATCH', `/links/${linkCode}`, changes);
}

/** Port 9 (discard), which nothing serves nowadays, when nothing does here; else a port just freed. */
async function closedLoopbackPort(): Promise<number> {
  if (await refused(9)) return 9;
  const server = createTcpServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

function refused(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (result: boolean) => {
      socket.destroy();
      ok(result);
    };
    socket.once('connect', () => done(false));
    socket.once('timeout', () => done(false));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
}

/** The RSA leaf and its issuing CA on 127.0.0.1, for the agent's `tls` certificate source. */
async function startTlsEndpoint(pki: DemoPki, wanted: number): Promise<{ server: TlsServer; port: number }> {
  const listen = (port: number) =>
    new Promise<{ server: TlsServer; port: number }>((ok, fail) => {
      const server = createTlsServer({ cert: pki.tls.chainPem, key: pki.tls.keyPem }, (socket) => {
        socket.on('error', () => {});
        socket.end('govops demo TLS endpoint\n');
      });
      server.on('tlsClientError', () => {}); // scanners hang up once they have the chain
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => ok({ server, port: (server.address() as { port: number }).port }));
    });
  try {
    return await listen(Number.isInteger(wanted) && wanted >= 0 && wanted <= 65535 ? wanted : 9466);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return listen(0);
  }
}

function fpingUnavailableReason(): string | null {
  const result = spawnSync('fping', ['-v'], { encoding: 'utf8' });
  return result.error ? 'fping is not installed' : null;
}

function printGuide(g: {
  consoleUrl: string;
  listen: string;
  identity: ReturnType<typeof demoIdentity>;
  agent: DemoAgent;
  links: LinkBody[];
  placement: Placement;
  pki: DemoPki | null;
  tlsPort: number | null;
  yamlPath: string;
}): void {
  const probe = (l: LinkBody) => {
    const p = l.probe;
    if (p.kind === 'icmp') return `ICMP ${p.host}`;
    if (p.kind === 'tcp') return `TCP  ${p.host}:${p.port}`;
    return `HTTP ${p.url}`;
  };
  const width = Math.max(...g.links.map((l) => l.code.length));
  const where = g.placement.parent ? `beneath the backbone ${g.placement.parent}` : 'as root links (no demo province)';
  say();
  say(`Demo agent "${g.identity.agentName}" (${g.agent.id}), config ${shown(g.yamlPath)}`);
  say(`  links, every 10 s, ${where}:`);
  for (const l of g.links) {
    const note = l.code === g.identity.links.closed ? '  <- nobody listens: DOWN after 3 rounds (~30 s)' : '';
    say(`    ${l.code.padEnd(width)}  ${probe(l)}${note}`);
  }
  if (g.pki) {
    say(`  certificates: ${shown(g.pki.serverDir)} (RSA, ECDSA, SM2: valid, expiring within 7 days, expired)`);
    say(
      `                ${shown(g.pki.personalDir)} (a personal SM2 certificate, redacted before it leaves the agent)`,
    );
    if (g.tlsPort !== null) say(`                tls://127.0.0.1:${g.tlsPort} (the RSA chain, served by this process)`);
  }
  say();
  say('Where to look (sign in as admin, or any account that reads the extranet):');
  const places: [string, string][] = [
    [`${g.consoleUrl}/extranet`, 'overview: the demo links turn from UNKNOWN to UP within ~20 s'],
    [`${g.consoleUrl}/extranet/links?agent=${g.agent.id}`, 'the four demo links, their rounds and events'],
    [`${g.consoleUrl}/agents`, 'the agent: enrolled, last seen, spool'],
    [`${g.consoleUrl}/certificates`, 'the inventory, ~10 s after enrolment; SM2 share: /certificates/board'],
    [`http://${g.listen}/metrics`, "the agent's own Prometheus metrics"],
  ];
  for (const [url, what] of places) say(`  ${url}\n      ${what}`);
  say();
  say('The agent logs follow (JSON lines). Ctrl+C stops it; npm run demo-agent starts it again.');
  say();
}

/** Runs the agent in the foreground; the first SIGINT/SIGTERM (of a burst) is passed on once. */
function runAgent(yamlPath: string, cleanup: () => void): Promise<number> {
  // Its own process group: Ctrl+C reaches the agent only through us, once. The terminal and npm
  // both deliver it to us, and a second signal makes the agent quit without saving its spool.
  // Started as `npm run agent` starts it: the agent's memory budget depends on its flag and cache.
  const launch = agentCommand(repoRoot, yamlPath);
  const child: ChildProcess = spawn(launch.command, launch.args, { env: launch.env, stdio: 'inherit', detached: true });
  let lastForward = 0;
  const forward = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (now - lastForward < 1000) return;
    lastForward = now;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  process.on('SIGHUP', () => forward('SIGTERM'));
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return new Promise((ok) => {
    child.once('error', (error) => {
      process.stderr.write(`demo-agent: could not start the agent: ${error.message}\n`);
      cleanup();
      ok(1);
    });
    child.once('exit', (code, signal) => {
      cleanup();
      ok(code ?? (signal ? 1 : 0));
    });
  });
}

/** A path as the person typed it would be: relative to where they are when that is shorter. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function explain(error: unknown): string {
  if (error instanceof DemoStop) return error.message;
  if (error instanceof ConsoleApiError && error.status === 403)
    return `${error.message}\n  The token needs the network-operator role.`;
  if (error instanceof ConsoleApiError) return `the console refused: ${error.message}`;
  return `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo-agent: ${explain(error)}\n`);
    process.exit(1);
  },
);
