import { mkdir } from 'node:fs/promises';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { serverPath } from '../paths.js';
import * as schema from './schema.js';

/**
 * The database, whichever engine is behind it. node-postgres and PGlite both speak PostgreSQL, so
 * every module writes one set of queries against this type and runs unchanged on either.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle: the same query API, passed explicitly to whoever must join the transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that can run a query: the database or an open transaction. */
export type Queryable = Db | Tx;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  migrate(): Promise<void>;
  /** Throws when the database cannot answer (used by /ready). */
  ping(): Promise<void>;
  /**
   * Call `onNotify` on each NOTIFY on `channel` (delivered when the notifying transaction commits).
   * Resolves to a function that stops listening. A lost listening connection is re-opened; callers
   * keep a slow poll as well, since notifications sent while it was down are gone.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The embedded database, which can also copy out its files (to start other databases from). */
export interface PgliteDatabase extends Database {
  dump(): Promise<Blob>;
}

const migrationsFolder = serverPath('migrations');

export async function connectPostgres(
  url: string,
  options: { max?: number } = {},
): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    // An advisory lock makes concurrent start-ups (several api and worker processes) migrate once.
    migrate: async () => {
      const lock = await pool.connect();
      try {
        await lock.query('SELECT pg_advisory_lock(7254001)');
        await migratePg(drizzlePg(pool), { migrationsFolder });
      } finally {
        await lock.query('SELECT pg_advisory_unlock(7254001)').catch(() => {});
        lock.release();
      }
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    listen: (channel, onNotify) => listenPostgres(url, channel, onNotify),
    close: () => pool.end(),
  };
}

/** LISTEN needs a connection of its own: a pooled one would be handed to queries in between. */
async function listenPostgres(
  url: string,
  channel: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const open = async () => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    const reopen = () => {
      if (stopped || client !== next) return;
      client = undefined;
      retry = setTimeout(() => void open().catch(reopenLater), 1_000);
      retry.unref();
    };
    next.on('error', reopen);
    next.on('end', reopen);
    await next.connect();
    await next.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    client = next;
    // Anything committed while no one listened is picked up by the caller's next look.
    onNotify();
  };
  const reopenLater = () => {
    if (stopped) return;
    retry = setTimeout(() => void open().catch(reopenLater), 1_000);
    retry.unref();
  };
  await open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

/**
 * Embedded PostgreSQL (PGlite); `dataDir` undefined keeps the database in memory (tests). `from`: a
 * copy of another database's files (`dumpDataDir`) to start from instead of an empty cluster.
 */
export async function openPglite(dataDir?: string, from?: Blob): Promise<PgliteDatabase> {
  // Loaded only here: a process on PostgreSQL never pays for the embedded engine's code.
  const [{ PGlite }, { pg_trgm }, { drizzle: drizzlePglite }, { migrate: migratePglite }] =
    await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]);
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, extensions: { pg_trgm }, loadDataDir: from });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    ping: async () => {
      await db.execute(sql`SELECT 1`);
    },
    listen: async (channel, onNotify) => {
      const stop = await client.listen(channel, () => onNotify());
      return () => stop();
    },
    close: () => client.close(),
    dump: async () => client.dumpDataDir('none'),
  };
}

/** Run raw SQL and return its rows; both drivers answer `{ rows }`. */
export async function queryRows<T>(db: Queryable, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
