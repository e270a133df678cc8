import type { Cache } from './port.js';

interface Entry {
  value: string;
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
}

/** Expired keys that are never read again would otherwise stay in the map forever. */
const SWEEP_INTERVAL_MS = 30_000;

function ttlToMs(ttlSeconds: number): number {
  // Redis rejects a non-positive TTL on SET; fail the same way so embedded mode hides no bugs.
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`invalid expire time: ${ttlSeconds}`);
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

export function createMemoryCache(): Cache {
  const map = new Map<string, Entry>();
  let closed = false;

  const live = (key: string, now = Date.now()): Entry | undefined => {
    const entry = map.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= now) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of map) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) map.delete(key);
    }
  }, SWEEP_INTERVAL_MS);
  // The sweep must never keep a process (or a test worker) alive on its own.
  sweep.unref();

  const assertOpen = (): void => {
    if (closed) throw new Error('cache is closed');
  };

  return {
    kind: 'memory',

    async get(key) {
      assertOpen();
      return live(key)?.value ?? null;
    },

    async set(key, value, ttlSeconds) {
      assertOpen();
      // Like Redis SET, a set without a TTL clears any previous expiry.
      const expiresAt = ttlSeconds === undefined ? null : Date.now() + ttlToMs(ttlSeconds);
      map.set(key, { value, expiresAt });
    },

    async del(...keys) {
      assertOpen();
      for (const key of keys) map.delete(key);
    },

    async incr(key, ttlSecondsIfNew) {
      assertOpen();
      const entry = live(key);
      const current = entry ? Number(entry.value) : 0;
      // Same failure as Redis so callers cannot rely on lenient parsing in embedded mode only.
      if (entry && (!/^-?\d+$/.test(entry.value) || !Number.isSafeInteger(current))) {
        throw new Error('ERR value is not an integer or out of range');
      }
      const next = current + 1;
      // INCR keeps an existing TTL, which fixed-window rate limiting relies on.
      const expiresAt =
        entry?.expiresAt ??
        (ttlSecondsIfNew === undefined ? null : Date.now() + ttlToMs(ttlSecondsIfNew));
      map.set(key, { value: String(next), expiresAt });
      return next;
    },

    async compareAndSet(key, expected, value, ttlSeconds) {
      assertOpen();
      // Check and write in one synchronous step: nothing else runs in between.
      const expiresAt = ttlSeconds === undefined ? null : Date.now() + ttlToMs(ttlSeconds);
      const current = live(key)?.value ?? null;
      if (current !== expected) return false;
      map.set(key, { value, expiresAt });
      return true;
    },

    async expire(key, ttlSeconds) {
      assertOpen();
      const entry = live(key);
      if (!entry) return false;
      // Redis deletes the key when given a non-positive TTL; mirror it.
      if (ttlSeconds <= 0) {
        map.delete(key);
        return true;
      }
      entry.expiresAt = Date.now() + Math.max(1, Math.round(ttlSeconds * 1000));
      return true;
    },

    async ping() {
      assertOpen();
    },

    async close() {
      closed = true;
      clearInterval(sweep);
      map.clear();
    },
  };
}
