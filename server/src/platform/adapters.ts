import type { Logger } from 'pino';
import { createAmqpBus } from './bus/amqp.js';
import { createMemoryBus } from './bus/memory.js';
import type { MessageBus } from './bus/port.js';
import { createMemoryCache } from './cache/memory.js';
import type { Cache } from './cache/port.js';
import { createRedisCache } from './cache/redis.js';
import type { Config } from './config.js';
import { connectPostgres, openPglite, type Database } from './db/index.js';
import type { ReadinessCheck } from './http/ops.js';

/** The three backends, each the real service when its URL is set and the embedded one otherwise. */
export interface Adapters {
  database: Database;
  cache: Cache;
  bus: MessageBus;
}

export async function openAdapters(config: Config, logger: Logger): Promise<Adapters> {
  const database = config.DATABASE_URL
    ? await connectPostgres(config.DATABASE_URL)
    : await openPglite(config.DATA_DIR);
  const cache = config.REDIS_URL
    ? await createRedisCache(config.REDIS_URL, {
        onError: (err) => logger.warn({ err }, 'redis connection problem'),
      })
    : createMemoryCache();
  const bus = config.AMQP_URL
    ? await createAmqpBus(config.AMQP_URL, {
        onError: (err, context) => logger.warn({ err, context }, 'message bus problem'),
      })
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
