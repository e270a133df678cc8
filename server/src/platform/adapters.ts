import type { Logger } from 'pino';
import { createMemoryBus } from './bus/memory.js';
import type { MessageBus } from './bus/port.js';
import { createMemoryCache } from './cache/memory.js';
import type { Cache } from './cache/port.js';
import type { Config } from './config.js';
import { connectPostgres, openPglite, type Database } from './db/index.js';
import type { ReadinessCheck } from './http/ops.js';

/** The three backends, each the real service when its URL is set and the embedded one otherwise. */
export interface Adapters {
  database: Database;
  cache: Cache;
  bus: MessageBus;
}

/**
 * A service that is not up yet at start-up (containers starting together, a broker restarting) is
 * waited for, up to a minute, rather than ending the process at the first refused connection.
 */
async function whenReachable<T>(
  what: string,
  connect: () => Promise<T>,
  logger: Logger,
  waitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      logger.warn({ err: error, attempt }, `${what} not reachable yet; trying again`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
    }
  }
}

export async function openAdapters(config: Config, logger: Logger): Promise<Adapters> {
  const database = config.DATABASE_URL
    ? await whenReachable(
        'PostgreSQL',
        () => connectPostgres(config.DATABASE_URL as string),
        logger,
      )
    : await openPglite(config.DATA_DIR);
  // Each real service's client is loaded only when its URL is set.
  const { createRedisCache } = config.REDIS_URL ? await import('./cache/redis.js') : {};
  const { createAmqpBus } = config.AMQP_URL ? await import('./bus/amqp.js') : {};
  const cache =
    config.REDIS_URL && createRedisCache
      ? await whenReachable(
          'Redis',
          () =>
            createRedisCache(config.REDIS_URL as string, {
              onError: (err) => logger.warn({ err }, 'redis connection problem'),
            }),
          logger,
        )
      : createMemoryCache();
  const bus =
    config.AMQP_URL && createAmqpBus
      ? await whenReachable(
          'RabbitMQ',
          () =>
            createAmqpBus(config.AMQP_URL as string, {
              onError: (err, context) => logger.warn({ err, context }, 'message bus problem'),
              ...(config.AMQP_NAMESPACE
                ? {
                    exchange: `${config.AMQP_NAMESPACE}.events`,
                    queuePrefix: `${config.AMQP_NAMESPACE}.`,
                  }
                : {}),
            }),
          logger,
        )
      : createMemoryBus();
  logger.info(
    { database: database.kind, cache: cache.kind, bus: bus.kind },
    config.embedded
      ? 'running embedded: PGlite, in-memory cache, in-process bus'
      : 'adapters ready',
  );
  return { database, cache, bus };
}

export function readinessChecks(adapters: Adapters): ReadinessCheck[] {
  return [
    { name: 'database', check: () => adapters.database.ping() },
    { name: 'cache', check: () => adapters.cache.ping() },
    { name: 'bus', check: () => adapters.bus.ping() },
  ];
}

/** Close in reverse order of dependence; one failure must not keep the others open. */
export async function closeAdapters(adapters: Adapters): Promise<void> {
  await Promise.allSettled([adapters.bus.close(), adapters.cache.close()]);
  await adapters.database.close();
}
