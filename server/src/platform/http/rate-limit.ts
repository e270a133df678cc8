import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Cache } from '../cache/port.js';
import type { RedisCache } from '../cache/redis.js';
import { rateLimited } from './problem.js';

/**
 * Rate limits, declared per route (`config: { rateLimit: { max, timeWindow } }`). Counters live in
 * Redis when there is one, so every api process shares them; in embedded mode, in memory.
 */
export async function registerRateLimit(app: FastifyInstance, cache: Cache): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(cache.kind === 'redis' ? { redis: (cache as RedisCache).client } : {}),
    nameSpace: 'rate-limit:',
    errorResponseBuilder: (_request, context) =>
      rateLimited(context.ttl / 1000, `Too many requests; try again in ${context.after}.`),
  });
}
