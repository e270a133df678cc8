import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { onCleanup } from './cleanup.js';

/** A number ≥ 0 from the environment, or `fallback` when the variable is unset or empty. */
export function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

/** One id per `npm run bench`, in the names of its databases and Redis key prefixes. */
export const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/**
 * A new, empty database `bench_<run>_<label>` on the server `adminUrl` names, dropped at cleanup
 * (WITH (FORCE): after its servers, but whatever client is left behind does not keep it).
 */
export async function createDatabase(adminUrl: string, label: string): Promise<string> {
  const name = `bench_${runId}_${label}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  onCleanup(async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Delete the keys that start with `prefix`; returns how many were deleted. */
export function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  return deleteRedisMatching(url, `${prefix}*`);
}

/** Delete the keys matching a glob `pattern` (SCAN MATCH); returns how many were deleted. */
export async function deleteRedisMatching(url: string, pattern: string): Promise<number> {
  return withRedis(url, async (client) => {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  });
}

/** A short-lived Redis connection for the benchmark's own bookkeeping. */
export async function withRedis<T>(url: string, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
}
