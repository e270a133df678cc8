import { Redis } from 'ioredis';
import type { Cache } from './port.js';

export interface RedisCacheOptions {
  /** Prepended to every key, so several apps (or test runs) can share one Redis. */
  keyPrefix?: string;
  /** Receives connection errors; ioredis would otherwise print them to stderr itself. */
  onError?: (err: Error) => void;
  /** Upper bound for any single command, so a hung server cannot stall requests. Default 2000. */
  commandTimeoutMs?: number;
}

export interface RedisCache extends Cache {
  readonly kind: 'redis';
  /** The underlying client (already key-prefixed), for features the port does not cover, e.g. rate limiting scripts. */
  readonly client: Redis;
}

const CONNECT_TIMEOUT_MS = 2000;

/** GET, compare, SET in one script: Redis runs a script without interleaving other commands. */
const compareAndSetScript = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
return 1`;
const PING_TIMEOUT_MS = 1000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function ttlToMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`invalid expire time: ${ttlSeconds}`);
  }
  // PX rather than EX so fractional seconds behave the same as in the memory adapter.
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

/**
 * Connects before resolving, so a wrong URL fails at startup rather than on the first request.
 * Once connected, lost connections are retried forever in the background.
 */
export async function createRedisCache(
  url: string,
  opts: RedisCacheOptions = {},
): Promise<RedisCache> {
  const client = new Redis(url, {
    ...(opts.keyPrefix ? { keyPrefix: opts.keyPrefix } : {}),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: opts.commandTimeoutMs ?? 2000,
    // Without these, commands issued while Redis is down queue up silently and /ready hangs
    // instead of reporting the outage; a cache miss is cheaper than a stalled request.
    enableOfflineQueue: false,
    // 0: in-flight commands fail on disconnect rather than being replayed, so INCR is never applied twice.
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  client.on('error', (err: Error) => opts.onError?.(err));

  try {
    await client.connect();
  } catch (err) {
    // Stop the background reconnect loop that ioredis would otherwise keep running.
    client.disconnect();
    throw err;
  }

  return {
    kind: 'redis',
    client,

    async get(key) {
      return client.get(key);
    },

    async set(key, value, ttlSeconds) {
      if (ttlSeconds === undefined) await client.set(key, value);
      else await client.set(key, value, 'PX', ttlToMs(ttlSeconds));
    },

    async del(...keys) {
      if (keys.length > 0) await client.del(...keys);
    },

    async incr(key, ttlSecondsIfNew) {
      if (ttlSecondsIfNew === undefined) return client.incr(key);
      // MULTI makes the pair atomic; PEXPIRE NX (Redis 7) only sets a TTL on a key that has none.
      const results = await client
        .multi()
        .incr(key)
        .pexpire(key, ttlToMs(ttlSecondsIfNew), 'NX')
        .exec();
      const [error, value] = results?.[0] ?? [new Error('INCR returned nothing'), null];
      if (error) throw error;
      return Number(value);
    },

    async compareAndSet(key, expected, value, ttlSeconds) {
      const ttl = ttlSeconds === undefined ? '' : String(ttlToMs(ttlSeconds));
      const written = await client.eval(
        compareAndSetScript,
        1,
        key,
        expected === null ? '0' : '1',
        expected ?? '',
        value,
        ttl,
      );
      return written === 1;
    },

    async expire(key, ttlSeconds) {
      // A non-positive TTL makes Redis delete the key, which the memory adapter mirrors.
      const ms = ttlSeconds <= 0 ? 0 : Math.max(1, Math.round(ttlSeconds * 1000));
      return (await client.pexpire(key, ms)) === 1;
    },

    async ping() {
      await withTimeout(client.ping(), PING_TIMEOUT_MS, 'redis ping');
    },

    async close() {
      if (client.status === 'end') return;
      try {
        await client.quit();
      } catch {
        // quit fails when the connection is already down; then just drop it.
        client.disconnect();
      }
    },
  };
}
