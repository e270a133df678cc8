import { createHash } from 'node:crypto';
import type { Cache } from '../../../platform/cache/port.js';
import type { Encoding } from '../../../platform/http/compression.js';

/**
 * Cached catalog responses, stored as ready-to-send JSON with their ETag. Every key embeds the catalog
 * version; a change to any product or stock level bumps the version, which retires every entry at
 * once without scanning keys (old entries simply age out by TTL).
 *
 * Each process keeps the hottest responses in memory, within a fixed budget (least recently used out
 * first), so a flood of distinct queries cannot grow memory without bound. With Redis behind it,
 * responses are shared there too, and the version is re-read at most every `versionRefreshMs`, so a
 * hot page costs no network round trip: a change made in this process is seen at once, one made
 * elsewhere within `versionRefreshMs`. Without Redis the process's copies are the cache, and the
 * version, which only this process changes, is read once.
 */
export interface CachedResponse {
  etag: string;
  body: string;
  /**
   * The body brotli- or gzip-encoded, made on first need and kept with it (same ETag): a hot page
   * costs no compression per request. Always an object, so copies of a response share it.
   */
  encoded: Partial<Record<Encoding, Buffer>>;
}

/** A response to cache, with room for its encoded forms. */
export const cachedResponse = (etag: string, body: string): CachedResponse => ({
  etag,
  body,
  encoded: {},
});

export interface CatalogCacheOptions {
  ttlSeconds: number;
  /** How stale another process's change may be here; 0 reads the version on every request. */
  versionRefreshMs?: number;
  /** Memory for the in-process copies, in characters of JSON. */
  localBudget?: number;
}

const versionKey = 'catalog:version';

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** Least recently used entries go first once the budget is spent (a Map keeps insertion order). */
function createLocalCopies(budget: number) {
  const entries = new Map<string, CachedResponse>();
  let used = 0;
  return {
    get(key: string): CachedResponse | undefined {
      const entry = entries.get(key);
      if (entry) {
        entries.delete(key);
        entries.set(key, entry);
      }
      return entry;
    },
    set(key: string, entry: CachedResponse) {
      const size = entry.body.length;
      if (size > budget / 4) return;
      const previous = entries.get(key);
      if (previous) used -= previous.body.length;
      entries.delete(key);
      entries.set(key, entry);
      used += size;
      for (const [oldest, value] of entries) {
        if (used <= budget) break;
        entries.delete(oldest);
        used -= value.body.length;
      }
    },
    clear() {
      entries.clear();
      used = 0;
    },
  };
}

interface VersionState {
  known: { version: string; readAt: number } | undefined;
}

/**
 * Over the in-memory cache, the catalog caches of this process are the only ones that change the
 * version (a bump goes through one of them), so they share what they know of it: once read it
 * never needs reading again, and a bump through any of them is seen by all at once.
 */
const inMemoryVersions = new WeakMap<Cache, VersionState>();
function sharedVersion(cache: Cache): VersionState {
  let state = inMemoryVersions.get(cache);
  if (!state) inMemoryVersions.set(cache, (state = { known: undefined }));
  return state;
}

export function createCatalogCache(cache: Cache, options: CatalogCacheOptions) {
  const remote = cache.kind === 'redis';
  const refreshMs = remote ? (options.versionRefreshMs ?? 500) : Number.POSITIVE_INFINITY;
  // Small on purpose: a listing missed here is rebuilt from the facet index in well under a
  // millisecond, so memory buys little beyond the hottest pages.
  const local = createLocalCopies(options.localBudget ?? 8 * 1024 * 1024);
  const state: VersionState = remote ? { known: undefined } : sharedVersion(cache);
  let reading: Promise<string> | undefined;

  function version(): Promise<string> {
    if (state.known && Date.now() - state.known.readAt < refreshMs)
      return Promise.resolve(state.known.version);
    // Concurrent requests share one read of the version.
    reading ??= cache
      .get(versionKey)
      .then((value) => {
        const current = value ?? '0';
        if (state.known?.version !== current) local.clear();
        state.known = { version: current, readAt: Date.now() };
        return current;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }

  return {
    version,
    async bump(): Promise<void> {
      const next = String(await cache.incr(versionKey));
      local.clear();
      state.known = { version: next, readAt: Date.now() };
    },
    /** `shared: false` keeps the entry in this process only (see `write`). */
    async read(
      key: string,
      options: { shared?: boolean } = {},
    ): Promise<{ version: string; hit: CachedResponse | null }> {
      const current = await version();
      const versioned = `catalog:${current}:${key}`;
      const copy = local.get(versioned);
      if (copy) return { version: current, hit: copy };
      if (!remote || options.shared === false) return { version: current, hit: null };
      const raw = await cache.get(versioned);
      if (raw === null) return { version: current, hit: null };
      const split = raw.indexOf('\n');
      const hit = cachedResponse(raw.slice(0, split), raw.slice(split + 1));
      local.set(versioned, hit);
      return { version: current, hit };
    },
    /**
     * The response an exact request URL got under the current version, kept in this process only.
     * Such a URL already passed validation once, so a repeat is answered before parsing its query.
     */
    async readUrl(url: string): Promise<CachedResponse | undefined> {
      return local.get(`url:${await version()}:${url}`);
    },
    /**
     * The same without waiting, when the version is known to be current: the response or null;
     * undefined when the version must be read first (then use `readUrl`).
     */
    readUrlNow(url: string): CachedResponse | null | undefined {
      if (!state.known || Date.now() - state.known.readAt >= refreshMs) return undefined;
      return local.get(`url:${state.known.version}:${url}`) ?? null;
    },
    rememberUrl(version: string, url: string, response: CachedResponse): void {
      if (version === state.known?.version) local.set(`url:${version}:${url}`, response);
    },
    /**
     * Keep a response for this version: in this process, and in Redis too unless `shared` is false
     * (for responses this process rebuilds faster than it could fetch them from Redis).
     */
    async write(
      version: string,
      key: string,
      response: CachedResponse,
      { shared = true }: { shared?: boolean } = {},
    ): Promise<void> {
      const versioned = `catalog:${version}:${key}`;
      if (remote && shared)
        await cache.set(versioned, `${response.etag}\n${response.body}`, options.ttlSeconds);
      if (version === state.known?.version) local.set(versioned, response);
    },
  };
}

export type CatalogCache = ReturnType<typeof createCatalogCache>;
