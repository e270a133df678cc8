import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Cache } from '../cache/port.js';
import { RateLimited } from '../errors.js';

interface StoreResult {
  current: number;
  ttl: number;
}

/**
 * Counters for @fastify/rate-limit kept through the cache port, so Redis and embedded mode count the
 * same way: an atomic increment that starts a window on a key's first hit. (The plugin's own memory
 * store hands concurrent requests one shared counter object, so a burst was limited early.) The
 * window's remaining time is not read back: `ttl` reports the whole window, an upper bound.
 */
function cacheStore(cache: Cache) {
  return class CacheRateLimitStore {
    readonly prefix: string;

    // The plugin builds the first store with its options object; children get their prefix here.
    constructor(prefixOrOptions?: unknown) {
      this.prefix = typeof prefixOrOptions === 'string' ? prefixOrOptions : 'rate-limit:';
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: StoreResult) => void,
      timeWindow: number,
    ) {
      cache.incr(`${this.prefix}${key}`, Math.max(1, Math.ceil(timeWindow / 1000))).then(
        (current) => callback(null, { current, ttl: timeWindow }),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: { routeInfo: { method: string; url: string } }) {
      return new CacheRateLimitStore(
        `${this.prefix}${routeOptions.routeInfo.method}${routeOptions.routeInfo.url}:`,
      );
    }
  };
}

/**
 * Rate limits, declared per route (`config: { rateLimit: { max, timeWindow } }`). Counters live in
 * the cache: Redis when there is one, so every api process shares them; memory in embedded mode.
 */
export async function registerRateLimit(app: FastifyInstance, cache: Cache): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    store: cacheStore(cache) as never,
    errorResponseBuilder: (_request, context) =>
      new RateLimited(context.ttl / 1000, `Too many requests; try again in ${context.after}.`),
  });
}
