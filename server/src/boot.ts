import pino from 'pino';
import { closeAdapters, openAdapters } from './platform/adapters.js';
import { ConfigError, embeddedAdmin, loadConfig, type Config } from './platform/config.js';
import { loggerOptions } from './platform/logger.js';
import { sourceMappedStack } from './platform/stack-traces.js';
import { logUncaughtFailures } from './platform/crash-logging.js';
import { ensureAdmin } from './modules/accounts/index.js';
import { buildApi, createServices } from './server.js';
import { scrapeRegistries, serveMetrics } from './platform/metrics.js';
import { startWorker } from './worker.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Start the api, the worker, or both in one process. Order: config, backends, migrations, seed,
 * roles; on SIGTERM/SIGINT the reverse: stop accepting, drain requests and consumers, close pools.
 */
export async function boot(roles: { api: boolean; worker: boolean }): Promise<void> {
  try {
    await start(roles);
  } catch (error) {
    // Printed with its stack pointed at the sources (node prints a bundle's minified frames).
    const text = error instanceof Error && error.stack ? sourceMappedStack(error.stack) : error;
    process.stderr.write(`the store could not start: ${String(text)}\n`);
    process.exit(1);
  }
}

async function start(roles: { api: boolean; worker: boolean }): Promise<void> {
  const config = readConfig();
  const logger = pino(loggerOptions(config));
  logUncaughtFailures(logger);
  const adapters = await openAdapters(config, logger);
  await adapters.database.migrate();

  const admin =
    config.ADMIN_EMAIL && config.ADMIN_PASSWORD
      ? { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }
      : config.embedded
        ? embeddedAdmin
        : null;
  if (roles.api) {
    if (config.SEED_ON_START) {
      // The demo catalog's generator is loaded only when it may be needed.
      const { seedCatalogIfEmpty } = await import('./seed/seed.js');
      await seedCatalogIfEmpty(adapters.database.db, logger);
    }
    if (admin) {
      const outcome = await ensureAdmin(adapters.database.db, admin.email, admin.password);
      if (outcome === 'taken_by_customer') {
        logger.warn(
          `ADMIN_EMAIL ${admin.email} belongs to a customer account; it was not made an administrator`,
        );
      }
      if (admin === embeddedAdmin) {
        logger.info(
          `embedded mode: admin sign-in ${admin.email} / ${admin.password} (set ADMIN_EMAIL and ADMIN_PASSWORD to change it)`,
        );
      }
    } else {
      logger.warn('no ADMIN_EMAIL/ADMIN_PASSWORD set: no administrator account was created');
    }
  }

  const services = createServices({ config, adapters, logger });
  const worker = roles.worker ? await startWorker({ config, adapters, services, logger }) : null;
  const api = roles.api ? (await buildApi({ config, adapters, logger, services })).app : null;
  if (api && worker) api.exposeMetrics(worker.metricsRegistry);
  const localMetrics = config.METRICS_PORT
    ? await serveMetrics(
        api
          ? () => api.scrapeMetrics()
          : () => scrapeRegistries([worker?.metricsRegistry].filter((r) => r !== undefined)),
        config.METRICS_PORT,
      )
    : null;
  if (localMetrics) logger.info(`metrics at http://127.0.0.1:${config.METRICS_PORT}/metrics`);
  if (api) {
    await api.listen({ port: config.PORT, host: config.HOST });
    logger.info(`store ready at http://localhost:${config.PORT}`);
  }

  // Starting leaves garbage behind (migrations, the facet index's build, route schemas) that the
  // process would otherwise hold until its first full collection, which a quiet store may not need
  // for hours. A second after the facet index is built (the last of it, and what settles after),
  // one collection: the start scripts pass --expose-gc for it.
  if (api) await services.catalog.warm().catch(() => {});
  setTimeout(() => (globalThis as { gc?: () => void }).gc?.(), 1000).unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await api?.close();
      await localMetrics?.close();
      await worker?.stop();
      await closeAdapters(adapters);
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
