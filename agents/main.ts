import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import pkg from '../package.json' with { type: 'json' };
import { createCertScanLoop } from './certs/scan-loop.ts';
import { consoleConfigCache } from './config/console-cache.ts';
import type { EffectiveConfig } from './config/effective.ts';
import { loadLocalConfig } from './config/local-file.ts';
import { formatProblem } from './config/problems.ts';
import { createConfigWatcher } from './config/watcher.ts';
import { createBatcher } from './delivery/batcher.ts';
import { createConsoleClient } from './delivery/console-client.ts';
import { ensureCredential } from './delivery/enrolment.ts';
import { compileCacheState } from './launch.ts';
import { jsonLogger } from './logger.ts';
import { createPusher } from './delivery/pusher.ts';
import { openSpool } from './delivery/spool.ts';
import { registerAgentMetrics } from './metrics/agent-metrics.ts';
import { registerCertMetrics } from './metrics/cert-metrics.ts';
import { registerLinkMetrics } from './metrics/link-metrics.ts';
import { startMetricsServer } from './metrics/server.ts';
import { runRounds } from './probes/index.ts';
import { createScheduler } from './scheduler.ts';

/**
 * The site agent: `npm run agent -- --config agent.yaml`. Only wiring lives here: load the file,
 * make sure of the credential, then start the spool and pusher, the probes' scheduler, the
 * certificate scans, the configuration watcher and the /metrics endpoint. On SIGTERM or SIGINT it
 * stops measuring, waits briefly for rounds in flight, puts every result in the spool, and exits;
 * a second signal exits at once.
 *
 * Start it as agents/launch.ts says (a V8 flag and the compile cache): its memory budget depends on it.
 */

const version = pkg.version;
const now = () => new Date();

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: 'string', default: 'agent.yaml' } } });
  const logger = jsonLogger(process.env.AGENT_LOG_LEVEL === 'debug' ? 'debug' : 'info', now);

  const loaded = await loadLocalConfig(values.config);
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
    return 2;
  }
  const local = loaded.config;
  const { url, caFile, enrolTokenFile } = local.console;
  const enrolToken =
    local.console.enrolToken ?? (enrolTokenFile ? (await readFile(enrolTokenFile, 'utf8')).trim() : undefined);
  const { credential } = await ensureCredential({
    stateDir: local.stateDir,
    client: createConsoleClient({ baseUrl: url, timeoutMs: 15_000, caFile }),
    enrolToken,
    hostname: hostname(),
    version,
    logger,
  });
  const client = createConsoleClient({ baseUrl: url, credential, timeoutMs: 15_000, caFile });

  const registry = new Registry();
  const spool = await openSpool({ dir: join(local.stateDir, 'spool'), maxBytes: local.spool.maxBytes, logger });
  const health = registerAgentMetrics(registry, { version, spool: () => spool.stats() });
  const links = registerLinkMetrics(registry, { now });
  const certs = registerCertMetrics(registry, { now });

  let effective: EffectiveConfig | undefined;
  const batcher = createBatcher({
    spool,
    agentVersion: version,
    configRevision: () => effective?.revision ?? null,
    logger,
  });
  const keep = (what: string) => (error: unknown) => logger.error(`could not spool ${what}`, { error: String(error) });
  const pusher = createPusher({
    spool,
    client,
    now,
    logger,
    onPushed: (p) => health.pushSucceeded(p.at),
    onRejected: () => health.reportsRejected(),
  });

  const scheduler = createScheduler({
    // The scheduler hands over one kind at a time; runRounds keeps a broken probe from posing as loss.
    runRound: (_kind, targets) =>
      runRounds(targets, now, {
        onProbeFailure: (kind, error) => {
          health.probeFailed(kind);
          logger.error('probe could not run', { kind, error: String(error) });
        },
      }),
    onRound: (round) => {
      links.observeRound(round);
      if (effective?.reportedTargetIds.has(round.targetId)) batcher.addRounds([round]).catch(keep('a link round'));
    },
    logger,
    now,
    seed: hostname(),
  });

  const certScans = createCertScanLoop({
    logger,
    now,
    onScan: (source, result) => {
      certs.observeScan(source, result);
      for (const p of result.problems) logger.warn('certificate source problem', { source: source.id, ...p });
      if (result.observations.length) batcher.addCertificates(result.observations).catch(keep('certificates'));
    },
  });

  const watcher = createConfigWatcher({
    local,
    fetchConfig: (etag) => client.fetchConfig(etag),
    onChange: (config) => {
      effective = config;
      scheduler.apply(config.targets);
      links.retainTargets(config.targets);
      certs.retainSources(config.certSources);
      certScans.apply(config);
      health.configApplied(config.revision);
    },
    logger,
    cache: consoleConfigCache(local.stateDir, logger),
  });

  const server = await startMetricsServer({
    registry,
    ...local.listen,
    logger,
    health: () =>
      pusher.stats().state === 'unauthorised'
        ? { ok: false, reason: 'the console no longer accepts this agent credential: enrol it again' }
        : { ok: true },
  });
  pusher.start();
  await watcher.start();
  logger.info('agent started', {
    version,
    console: url,
    targets: effective?.targets.length ?? 0,
    compileCache: compileCacheState(),
  });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info('stopping', { signal });
  const force = () => process.exit(1);
  process.once('SIGTERM', force).once('SIGINT', force);

  await watcher.stop();
  await Promise.all([scheduler.stop(10_000), certScans.stop()]);
  await batcher.close(); // every result so far is now in the spool, fsync'd
  await pusher.stop();
  await spool.close();
  await server.close();
  logger.info('stopped');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`agent failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
