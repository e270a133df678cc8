import { createHash } from 'node:crypto';
import type { Cache } from '../../platform/cache/port.js';

/**
 * Cached catalog responses, stored as ready-to-send JSON with their ETag. Every key embeds the catalog
 * version; a change to any product or stock level bumps the version, which retires every entry at
 * once without scanning keys (old entries simply age out by TTL).
 */
export interface CachedResponse {
  etag: string;
  body: string;
}

const versionKey = 'catalog:version';

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export function createCatalogCache(cache: Cache, ttlSeconds: number) {
  async function version(): Promise<string> {
    return (await cache.get(versionKey)) ?? '0';
  }

  return {
    version,
    async bump(): Promise<void> {
      await cache.incr(versionKey);
    },
    async read(key: string): Promise<{ version: string; hit: CachedResponse | null }> {
      const current = await version();
      const raw = await cache.get(`catalog:${current}:${key}`);
      if (raw === null) return { version: current, hit: null };
      const split = raw.indexOf('\n');
      return { version: current, hit: { etag: raw.slice(0, split), body: raw.slice(split + 1) } };
    },
    async write(version: string, key: string, response: CachedResponse): Promise<void> {
      await cache.set(
        `catalog:${version}:${key}`,
        `${response.etag}\n${response.body}`,
        ttlSeconds,
      );
    },
  };
}

export type CatalogCache = ReturnType<typeof createCatalogCache>;
