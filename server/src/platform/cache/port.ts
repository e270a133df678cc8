/**
 * The cache port. Redis in production, an in-memory map with TTLs in embedded mode.
 * Values are strings: callers serialise (the catalog stores ready-to-send JSON, so a hit costs no
 * parse/stringify). Every method must behave the same on both adapters; `cache.contract.ts` checks it.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Set a value; with `ttlSeconds` it expires after that many seconds. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Delete keys; missing keys are ignored. */
  del(...keys: string[]): Promise<void>;
  /**
   * Atomically increment an integer counter (missing counts as 0) and return the new value. With
   * `ttlSecondsIfNew`, a counter that has no expiry (a new one) gets that TTL in the same atomic step,
   * so a fixed window can never be left without one; a counter's existing TTL is kept.
   */
  incr(key: string, ttlSecondsIfNew?: number): Promise<number>;
  /**
   * Write `value` only if the key still holds `expected` (`null`: only if it does not exist), in one
   * atomic step; returns whether it wrote. Optimistic concurrency for small documents such as carts:
   * read, change, write back with the value read, and start over when someone else wrote first.
   */
  compareAndSet(
    key: string,
    expected: string | null,
    value: string,
    ttlSeconds?: number,
  ): Promise<boolean>;
  /** Set a key's time to live; returns false when the key does not exist. */
  expire(key: string, ttlSeconds: number): Promise<boolean>;
  /** Throws when the backend cannot be reached (used by /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
