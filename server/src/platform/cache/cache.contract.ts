import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from './port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Behaviour every Cache adapter must share. Keys carry a random prefix so several test files
 * (or CI jobs) can run against the same Redis at once.
 */
export function cacheContract(name: string, make: () => Promise<Cache>): void {
  // Concurrent: keys are unique per test, and the TTL tests would otherwise sleep one after another.
  describe.concurrent(`Cache contract: ${name}`, () => {
    let cache: Cache;
    const run = randomUUID().slice(0, 8);
    // Tracked so a shared Redis is left clean afterwards.
    const used: string[] = [];
    const key = (k: string) => {
      const full = `contract:${run}:${k}:${randomUUID().slice(0, 8)}`;
      used.push(full);
      return full;
    };

    beforeAll(async () => {
      cache = await make();
    });
    afterAll(async () => {
      if (!cache) return;
      await cache.del(...used);
      await cache.close();
    });

    it('returns null for a missing key', async () => {
      expect(await cache.get(key('missing'))).toBeNull();
    });

    it('sets, overwrites and gets a value', async () => {
      const k = key('set');
      await cache.set(k, 'one');
      expect(await cache.get(k)).toBe('one');
      await cache.set(k, 'two');
      expect(await cache.get(k)).toBe('two');
      await cache.set(k, '');
      expect(await cache.get(k)).toBe('');
    });

    it('deletes one or several keys and ignores missing ones', async () => {
      const [a, b, c] = [key('del-a'), key('del-b'), key('del-c')];
      await cache.set(a, '1');
      await cache.set(b, '2');
      await cache.set(c, '3');
      await cache.del(a);
      expect(await cache.get(a)).toBeNull();
      expect(await cache.get(b)).toBe('2');
      await cache.del(b, c, key('never-set'));
      expect(await cache.get(b)).toBeNull();
      expect(await cache.get(c)).toBeNull();
      await expect(cache.del(key('never-set'))).resolves.toBeUndefined();
      await expect(cache.del()).resolves.toBeUndefined();
    });

    it('expires a value set with a TTL', async () => {
      const k = key('ttl');
      const other = key('no-ttl');
      await cache.set(k, 'v', 1);
      await cache.set(other, 'v');
      expect(await cache.get(k)).toBe('v');
      await sleep(1300);
      expect(await cache.get(k)).toBeNull();
      expect(await cache.get(other)).toBe('v');
    });

    it('clears a previous TTL when set again without one', async () => {
      const k = key('ttl-cleared');
      await cache.set(k, 'v1', 1);
      await cache.set(k, 'v2');
      await sleep(1300);
      expect(await cache.get(k)).toBe('v2');
    });

    it('rejects a non-positive TTL on set', async () => {
      await expect(cache.set(key('bad-ttl'), 'v', 0)).rejects.toThrow();
      await expect(cache.set(key('bad-ttl'), 'v', -5)).rejects.toThrow();
    });

    it('incr treats a missing key as 0 and increments existing counters', async () => {
      const k = key('incr');
      expect(await cache.incr(k)).toBe(1);
      expect(await cache.incr(k)).toBe(2);
      expect(await cache.get(k)).toBe('2');
      const existing = key('incr-existing');
      await cache.set(existing, '41');
      expect(await cache.incr(existing)).toBe(42);
      const negative = key('incr-negative');
      await cache.set(negative, '-3');
      expect(await cache.incr(negative)).toBe(-2);
    });

    it('incr is atomic under concurrency', async () => {
      const k = key('incr-concurrent');
      const results = await Promise.all(Array.from({ length: 100 }, () => cache.incr(k)));
      expect(new Set(results).size).toBe(100);
      expect(Math.max(...results)).toBe(100);
      expect(await cache.get(k)).toBe('100');
    });

    it('incr rejects a non-integer value', async () => {
      const k = key('incr-text');
      await cache.set(k, 'abc');
      await expect(cache.incr(k)).rejects.toThrow();
      await cache.set(k, '1.5');
      await expect(cache.incr(k)).rejects.toThrow();
      expect(await cache.get(k)).toBe('1.5');
    });

    it('incr keeps an existing TTL (fixed-window counters rely on it)', async () => {
      const k = key('incr-ttl');
      expect(await cache.incr(k)).toBe(1);
      expect(await cache.expire(k, 1)).toBe(true);
      expect(await cache.incr(k)).toBe(2);
      await sleep(1300);
      expect(await cache.get(k)).toBeNull();
      expect(await cache.incr(k)).toBe(1);
    });

    it('incr with a TTL gives a new counter that TTL and keeps an existing one', async () => {
      const k = key('incr-window');
      expect(await cache.incr(k, 1)).toBe(1);
      expect(await cache.incr(k, 60)).toBe(2);
      await sleep(1300);
      expect(await cache.get(k)).toBeNull();
      expect(await cache.incr(k, 1)).toBe(1);
      await cache.del(k);
    });

    it('compareAndSet creates only a missing key when expecting null', async () => {
      const k = key('cas-new');
      expect(await cache.compareAndSet(k, null, 'first')).toBe(true);
      expect(await cache.compareAndSet(k, null, 'second')).toBe(false);
      expect(await cache.get(k)).toBe('first');
    });

    it('compareAndSet writes only over the expected value, with an optional TTL', async () => {
      const k = key('cas-swap');
      await cache.set(k, 'v1');
      expect(await cache.compareAndSet(k, 'v0', 'never')).toBe(false);
      expect(await cache.get(k)).toBe('v1');
      // A TTL a slow moment between these two calls cannot outlast.
      expect(await cache.compareAndSet(k, 'v1', 'v2', 1)).toBe(true);
      expect(await cache.get(k)).toBe('v2');
      await sleep(1_300);
      expect(await cache.get(k)).toBeNull();
      expect(await cache.compareAndSet(k, 'v2', 'late')).toBe(false);
    });

    it('compareAndSet lets exactly one of many concurrent writers win', async () => {
      const k = key('cas-race');
      await cache.set(k, '0');
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => cache.compareAndSet(k, '0', `writer-${i}`)),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      expect(await cache.get(k)).toBe(`writer-${winner}`);
    });

    it('expire returns false for a missing key and does not create it', async () => {
      const k = key('expire-missing');
      expect(await cache.expire(k, 10)).toBe(false);
      expect(await cache.get(k)).toBeNull();
    });

    it('expire returns true and makes an existing key expire', async () => {
      const k = key('expire');
      await cache.set(k, 'v');
      expect(await cache.expire(k, 1)).toBe(true);
      expect(await cache.get(k)).toBe('v');
      await sleep(1300);
      expect(await cache.get(k)).toBeNull();
      expect(await cache.expire(k, 1)).toBe(false);
    });

    it('expire can extend a TTL', async () => {
      const k = key('expire-extend');
      await cache.set(k, 'v', 1);
      expect(await cache.expire(k, 5)).toBe(true);
      await sleep(1300);
      expect(await cache.get(k)).toBe('v');
    });

    it('expire with a non-positive TTL deletes the key', async () => {
      const k = key('expire-zero');
      await cache.set(k, 'v');
      expect(await cache.expire(k, 0)).toBe(true);
      expect(await cache.get(k)).toBeNull();
    });

    it('ping resolves when the backend is up', async () => {
      await expect(cache.ping()).resolves.toBeUndefined();
    });

    it('round-trips unicode exactly', async () => {
      const k = key('unicode');
      const value = 'héllo wörld — 日本語 🚀👩🏽‍💻 \u0000 "quoted" \\ \n';
      await cache.set(k, value);
      expect(await cache.get(k)).toBe(value);
    });

    it('round-trips a ~1MB value', async () => {
      const k = key('large');
      const chunk = JSON.stringify({ id: randomUUID(), name: 'Ünïcode ☃', tags: ['a', 'b'] });
      const value = chunk.repeat(Math.ceil(1_048_576 / chunk.length));
      expect(value.length).toBeGreaterThanOrEqual(1_048_576);
      await cache.set(k, value, 30);
      const got = await cache.get(k);
      expect(got?.length).toBe(value.length);
      expect(got === value).toBe(true);
      await cache.del(k);
    });
  });
}
