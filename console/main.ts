import { serve } from '@hono/node-server';
import { registerAgentMetrics } from './agents/agent-metrics.ts';
import { createApp } from './app.ts';
import { secretBoxFor } from './auth/secret-box.ts';
import { firstStart } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { buildDeps } from './deps.ts';
import { registerExtranetMetrics } from './extranet/extranet-metrics.ts';
import { registerLinkInfoMetrics } from './extranet/link-info-metrics.ts';
import { createSilenceSweep } from './extranet/silence-sweep.ts';
import { createLogger } from './logger.ts';
import { registerCapacityMetrics } from './metrics/capacity-metrics.ts';
import { createRegistry } from './metrics/registry.ts';
import { migrateToLatest } from './store/migrate.ts';
import { openStore } from './store/open.ts';
import { kubeconfigProblems, kubeSiteReader } from './usage/kube-client.ts';
import { createUsagePoller } from './usage/poller.ts';

/**
 * The console process: open the store, migrate, seed a first start, listen; on SIGTERM stop
 * accepting, let requests in flight finish, close the store.
 */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const store = openStore(config.databaseUrl, (err) => logger.warn('store connection lost', { err: err.message }));
logger.info('opening store', { store: store.describe });
const applied = await migrateToLatest(store.db as never);
if (applied.length) logger.info('applied migrations', { migrations: applied });

const secrets = secretBoxFor(config);
logger.info('secret key loaded', { from: secrets.source });
const deps = buildDeps({ config, store, logger, registry: createRegistry(), secrets: secrets.box });
const first = await firstStart({ ...deps, demo: config.demo, adminPassword: config.adminPassword });
const app = createApp(deps);
registerCapacityMetrics(deps.registry, { uow: deps.uow, logger });
registerExtranetMetrics(deps.registry, { links: deps.links, logger });
registerLinkInfoMetrics(deps.registry, { uow: deps.uow, logger });
registerAgentMetrics(deps.registry, { uow: deps.uow, logger });
const usagePoller = startableUsagePoller();
const silenceSweep = createSilenceSweep({
  uow: deps.uow,
  links: deps.links,
  intervalMs: config.linkSweepMs,
  roundsKeepMs: config.linkRoundsKeepMs,
  logger,
});

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info('console listening', { port: info.port, store: store.describe });
  usagePoller?.start();
  silenceSweep.start();
  const url = `http://localhost:${info.port}/`;
  if (first.adminCreated) {
    // Printed once, to the operator's terminal, never to the structured log.
    process.stdout.write(
      `${[
        '',
        `  First start: sign in at ${url} as user "admin" (system administrator)`,
        first.generatedPassword
          ? `  with the generated password: ${first.generatedPassword}`
          : '  with the password in CONSOLE_ADMIN_PASSWORD.',
        '  You will be asked to enrol an authenticator app (TOTP) at first sign-in.',
        '  Create the security and audit administrators with:',
        '    npm run admin -- create-user secadmin --role security-admin',
        '    npm run admin -- create-user auditor --role audit-admin',
        '',
      ].join('\n')}\n`,
    );
  }
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info('shutting down', { signal });
  const force = setTimeout(() => {
    logger.warn('requests still in flight at the grace deadline; closing anyway');
    process.exit(1);
  }, config.shutdownGraceMs);
  force.unref();
  // A poll in flight ends within KUBE_TIMEOUT_SECONDS; it must finish writing before the store closes.
  const pollerStopped = usagePoller?.stop();
  const sweepStopped = silenceSweep.stop();
  // close() stops accepting and resolves once every open request has been answered.
  server.close(async () => {
    await pollerStopped;
    await sweepStopped;
    await store.db.destroy();
    logger.info('stopped');
    process.exit(0);
  });
  // Keep-alive connections would hold close() open until they time out: close each one as soon
  // as it falls idle, i.e. once its last in-flight response has been sent.
  const http = server as unknown as { closeIdleConnections?: () => void };
  http.closeIdleConnections?.();
  setInterval(() => http.closeIdleConnections?.(), 50).unref();
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/** The usage poller when KUBECONFIG_PATH is set (its settings checked and reported), else null. */
function startableUsagePoller() {
  const { kubeconfigPath, kubeSiteContexts, kubeTimeoutMs, usagePollMs } = config;
  if (!kubeconfigPath) {
    logger.info('usage read-back off: KUBECONFIG_PATH is not set');
    return null;
  }
  for (const problem of kubeconfigProblems(kubeconfigPath, kubeSiteContexts)) {
    logger.warn('usage read-back: kubeconfig problem', { problem });
  }
  return createUsagePoller({
    uow: deps.uow,
    reader: kubeSiteReader({ kubeconfigPath, timeoutMs: kubeTimeoutMs }),
    siteContexts: kubeSiteContexts,
    intervalMs: usagePollMs,
    logger,
  });
}
