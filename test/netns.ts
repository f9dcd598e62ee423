import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * A real remote host for link tests: a network namespace joined to this one by a veth pair, with
 * packet loss injected by nftables inside the namespace and a cut made by taking the host's end
 * of the veth down. Names carry this process's id so parallel runs never collide.
 */

const exec = promisify(execFile);

export type NetnsLink = {
  name: string;
  hostVeth: string;
  nsVeth: string;
  /** The /30 both ends sit in, e.g. 10.150.7.0/30. */
  subnet: string;
  hostAddress: string;
  nsAddress: string;
};

async function run(command: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec(command, args);
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error });
  }
}

const nsRun = (link: NetnsLink, command: string, args: readonly string[]) =>
  run('ip', ['netns', 'exec', link.name, command, ...args]);

/** Why namespace tests cannot run on this machine, or null when they can. */
export async function netnsUnavailableReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'not running as root (network namespaces need CAP_NET_ADMIN)';
  for (const [tool, args] of [
    ['fping', ['-v']],
    ['nft', ['--version']],
    ['ip', ['-V']],
  ] as const) {
    try {
      await run(tool, args);
    } catch {
      return `${tool} is not installed (apt-get install -y fping iproute2 nftables)`;
    }
  }
  const trial = `gx-${process.pid}-trial`;
  try {
    await run('ip', ['netns', 'add', trial]);
    await run('ip', ['netns', 'exec', trial, 'nft', 'list', 'ruleset']);
  } catch (error) {
    return `ip netns is unusable here: ${(error as Error).message}`;
  } finally {
    await run('ip', ['netns', 'del', trial]).catch(() => {});
  }
  return null;
}

/**
 * Creates namespace `gx-<pid>-<index>` and a veth into it. `index` (0–63) tells apart the links
 * of one run; the pid picks a 10.128–191.x.y block no other run of this test uses at once.
 */
export async function createNetnsLink(index: number): Promise<NetnsLink> {
  const slot = process.pid % 16384;
  const prefix = `10.${128 + (slot >> 8)}.${slot & 255}`;
  const link: NetnsLink = {
    name: `gx-${process.pid}-${index}`,
    hostVeth: `gx${process.pid}h${index}`,
    nsVeth: `gx${process.pid}n${index}`,
    subnet: `${prefix}.${index * 4}/30`,
    hostAddress: `${prefix}.${index * 4 + 1}`,
    nsAddress: `${prefix}.${index * 4 + 2}`,
  };
  await destroyNetnsLink(link); // leftovers of a crashed run that had the same pid
  try {
    await run('ip', ['netns', 'add', link.name]);
    await run('ip', ['link', 'add', link.hostVeth, 'type', 'veth', 'peer', 'name', link.nsVeth]);
    await run('ip', ['link', 'set', link.nsVeth, 'netns', link.name]);
    await run('ip', ['addr', 'add', `${link.hostAddress}/30`, 'dev', link.hostVeth]);
    await run('ip', ['link', 'set', link.hostVeth, 'up']);
    // When the veth is down its connected route goes, and packets would leave by the default
    // route into the real network; this fallback keeps a cut local and immediate.
    await run('ip', ['route', 'add', 'unreachable', link.subnet, 'metric', '4000']);
    await nsRun(link, 'ip', ['link', 'set', 'lo', 'up']);
    await nsRun(link, 'ip', ['addr', 'add', `${link.nsAddress}/30`, 'dev', link.nsVeth]);
    await nsRun(link, 'ip', ['link', 'set', link.nsVeth, 'up']);
    await waitForCarrier(link);
  } catch (error) {
    await destroyNetnsLink(link);
    throw error;
  }
  return link;
}

/** A veth pair takes a moment to report carrier after `up`; probing before then loses packets. */
async function waitForCarrier(link: NetnsLink): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const state = await run('ip', ['-o', 'link', 'show', link.hostVeth]);
    if (state.includes('LOWER_UP')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${link.hostVeth} has no carrier after 5 s`);
}

/**
 * Drops `percent` % of incoming echo requests and TCP SYNs inside the namespace, each packet
 * drawn independently; 0 removes the rule. Replies are left alone so each loss is one packet.
 */
export async function setInboundLoss(link: NetnsLink, percent: number): Promise<void> {
  await nsRun(link, 'nft', ['delete', 'table', 'inet', 'gxloss']).catch(() => {});
  if (percent === 0) return;
  const drop = ['numgen', 'random', 'mod', '100', '<', `${percent}`, 'drop'];
  await nsRun(link, 'nft', ['add', 'table', 'inet', 'gxloss']);
  await nsRun(link, 'nft', ['add', 'chain', 'inet', 'gxloss', 'in', '{ type filter hook input priority 0; }']);
  await nsRun(link, 'nft', ['add', 'rule', 'inet', 'gxloss', 'in', 'icmp', 'type', 'echo-request', ...drop]);
  await nsRun(link, 'nft', ['add', 'rule', 'inet', 'gxloss', 'in', 'tcp', 'flags', 'syn', '/', 'syn,ack', ...drop]);
}

/** Cuts (false) or restores (true) the link by taking the host's end of the veth down or up. */
export async function setLinkUp(link: NetnsLink, up: boolean): Promise<void> {
  await run('ip', ['link', 'set', link.hostVeth, up ? 'up' : 'down']);
  if (up) await waitForCarrier(link);
}

/** Starts a TCP server inside the namespace that accepts and closes every connection. */
export async function startTcpServerInNetns(link: NetnsLink, port: number): Promise<ChildProcess> {
  const script = `const s = require('node:net').createServer((c) => { c.on('error', () => {}); c.end(); });
s.listen(${port}, '0.0.0.0', () => console.log('listening'));`;
  // `ip netns exec` execs the command in place, so killing this child kills the server.
  const child = spawn('ip', ['netns', 'exec', link.name, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server in ${link.name} did not start`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('listening')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server in ${link.name} exited with ${code}`));
      });
    });
  } catch (error) {
    child.kill();
    throw error;
  }
  return child;
}

/** Removes the namespace, both veth ends and the fallback route; safe to call on a half-made link. */
export async function destroyNetnsLink(link: NetnsLink): Promise<void> {
  await run('ip', ['netns', 'del', link.name]).catch(() => {});
  // Deleting the namespace deletes its veth end and with it the peer; this covers a failed move.
  await run('ip', ['link', 'del', link.hostVeth]).catch(() => {});
  await run('ip', ['route', 'del', 'unreachable', link.subnet, 'metric', '4000']).catch(() => {});
}

/**
 * Two hops for link trees: host ↔ router namespace (the upstream, e.g. a city's router) ↔ county
 * namespace (a host behind it). The router forwards; the host reaches the county subnet through
 * the router, and the county's default route points back at it. Cutting the host↔router veth
 * cuts both; loss injected on the router's upstream side hits both.
 */
export type NetnsChain = {
  router: string;
  county: string;
  /** Host end of the host↔router veth: taking it down is the cut. */
  hostVeth: string;
  routerUpVeth: string;
  routerDownVeth: string;
  countyVeth: string;
  upstreamSubnet: string;
  hostAddress: string;
  routerAddress: string;
  downstreamSubnet: string;
  routerDownAddress: string;
  countyAddress: string;
};

const inNs = (ns: string, command: string, args: readonly string[]) =>
  run('ip', ['netns', 'exec', ns, command, ...args]);

async function waitForDeviceCarrier(device: string, ns?: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const state = ns
      ? await inNs(ns, 'ip', ['-o', 'link', 'show', device])
      : await run('ip', ['-o', 'link', 'show', device]);
    if (state.includes('LOWER_UP')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${device} has no carrier after 5 s`);
}

/**
 * Creates namespaces `gx-<pid>-<index>r` (router) and `gx-<pid>-<index>c` (county) joined as
 * above. Takes the /30 blocks `index` and `index + 1` of this process's block (see
 * createNetnsLink), so give it an index that no createNetnsLink of the same process uses.
 */
export async function createNetnsChain(index: number): Promise<NetnsChain> {
  if (index < 0 || index > 62) throw new RangeError(`chain index ${index} outside 0–62`);
  const slot = process.pid % 16384;
  const prefix = `10.${128 + (slot >> 8)}.${slot & 255}`;
  const up = index * 4;
  const down = (index + 1) * 4;
  const chain: NetnsChain = {
    router: `gx-${process.pid}-${index}r`,
    county: `gx-${process.pid}-${index}c`,
    hostVeth: `gx${process.pid}h${index}`,
    routerUpVeth: `gx${process.pid}n${index}`,
    routerDownVeth: `gx${process.pid}d${index}`,
    countyVeth: `gx${process.pid}c${index}`,
    upstreamSubnet: `${prefix}.${up}/30`,
    hostAddress: `${prefix}.${up + 1}`,
    routerAddress: `${prefix}.${up + 2}`,
    downstreamSubnet: `${prefix}.${down}/30`,
    routerDownAddress: `${prefix}.${down + 1}`,
    countyAddress: `${prefix}.${down + 2}`,
  };
  await destroyNetnsChain(chain); // leftovers of a crashed run that had the same pid
  try {
    const { router, county } = chain;
    await run('ip', ['netns', 'add', router]);
    await run('ip', ['netns', 'add', county]);
    await run('ip', ['link', 'add', chain.hostVeth, 'type', 'veth', 'peer', 'name', chain.routerUpVeth]);
    await run('ip', ['link', 'set', chain.routerUpVeth, 'netns', router]);
    await run('ip', ['link', 'add', chain.routerDownVeth, 'type', 'veth', 'peer', 'name', chain.countyVeth]);
    await run('ip', ['link', 'set', chain.routerDownVeth, 'netns', router]);
    await run('ip', ['link', 'set', chain.countyVeth, 'netns', county]);
    // As for a single link: while the veth is down, packets to either subnet must stop here
    // rather than leave by the default route.
    await run('ip', ['route', 'add', 'unreachable', chain.upstreamSubnet, 'metric', '4000']);
    await run('ip', ['route', 'add', 'unreachable', chain.downstreamSubnet, 'metric', '4000']);
    await run('ip', ['addr', 'add', `${chain.hostAddress}/30`, 'dev', chain.hostVeth]);
    await run('ip', ['link', 'set', chain.hostVeth, 'up']);

    await inNs(router, 'ip', ['link', 'set', 'lo', 'up']);
    await inNs(router, 'ip', ['addr', 'add', `${chain.routerAddress}/30`, 'dev', chain.routerUpVeth]);
    await inNs(router, 'ip', ['link', 'set', chain.routerUpVeth, 'up']);
    await inNs(router, 'ip', ['addr', 'add', `${chain.routerDownAddress}/30`, 'dev', chain.routerDownVeth]);
    await inNs(router, 'ip', ['link', 'set', chain.routerDownVeth, 'up']);
    await inNs(router, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);

    await inNs(county, 'ip', ['link', 'set', 'lo', 'up']);
    await inNs(county, 'ip', ['addr', 'add', `${chain.countyAddress}/30`, 'dev', chain.countyVeth]);
    await inNs(county, 'ip', ['link', 'set', chain.countyVeth, 'up']);
    await inNs(county, 'ip', ['route', 'add', 'default', 'via', chain.routerDownAddress]);

    await waitForDeviceCarrier(chain.hostVeth);
    await waitForDeviceCarrier(chain.countyVeth, county);
    await routeToCounty(chain);
  } catch (error) {
    await destroyNetnsChain(chain);
    throw error;
  }
  return chain;
}

/** The kernel drops a gateway route when its device goes down, so it is (re)made after every up. */
async function routeToCounty(chain: NetnsChain): Promise<void> {
  await run('ip', ['route', 'replace', chain.downstreamSubnet, 'via', chain.routerAddress, 'dev', chain.hostVeth]);
}

/**
 * Drops `percent` % of echo requests and TCP SYNs arriving at the router from the host, whether
 * for the router itself or forwarded to the county; 0 removes the rule.
 */
export async function setChainUpstreamLoss(chain: NetnsChain, percent: number): Promise<void> {
  await inNs(chain.router, 'nft', ['delete', 'table', 'inet', 'gxloss']).catch(() => {});
  if (percent === 0) return;
  const drop = ['numgen', 'random', 'mod', '100', '<', `${percent}`, 'drop'];
  const from = ['iifname', chain.routerUpVeth];
  await inNs(chain.router, 'nft', ['add', 'table', 'inet', 'gxloss']);
  await inNs(chain.router, 'nft', [
    'add',
    'chain',
    'inet',
    'gxloss',
    'pre',
    '{ type filter hook prerouting priority 0; }',
  ]);
  for (const match of [
    ['icmp', 'type', 'echo-request'],
    ['tcp', 'flags', 'syn', '/', 'syn,ack'],
  ])
    await inNs(chain.router, 'nft', ['add', 'rule', 'inet', 'gxloss', 'pre', ...from, ...match, ...drop]);
}

/** Cuts (false) or restores (true) the host↔router veth, and with it the way to the county. */
export async function setChainUp(chain: NetnsChain, up: boolean): Promise<void> {
  await run('ip', ['link', 'set', chain.hostVeth, up ? 'up' : 'down']);
  if (!up) return;
  await waitForDeviceCarrier(chain.hostVeth);
  await routeToCounty(chain);
}

/** Removes both namespaces, the veths and the host's routes; safe to call on a half-made chain. */
export async function destroyNetnsChain(chain: NetnsChain): Promise<void> {
  await run('ip', ['netns', 'del', chain.router]).catch(() => {});
  await run('ip', ['netns', 'del', chain.county]).catch(() => {});
  // Covers veths whose move into a namespace failed; the gateway route goes with hostVeth.
  for (const device of [chain.hostVeth, chain.routerDownVeth, chain.countyVeth])
    await run('ip', ['link', 'del', device]).catch(() => {});
  for (const subnet of [chain.upstreamSubnet, chain.downstreamSubnet])
    await run('ip', ['route', 'del', 'unreachable', subnet, 'metric', '4000']).catch(() => {});
}
