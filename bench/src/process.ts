/**
 * `npm run bench -- process`: what one store process costs to run, started the two ways the
 * project has known: the built JavaScript with plain node (what `npm start` and the `start:*`
 * scripts do now) and the TypeScript sources through the tsx loader (what they did before). Each is
 * started on an already-migrated, seeded store, so the start is the process's own work.
 *
 * - start to ready: from spawn to the "store ready" line;
 * - resident memory (VmRSS of the serving process): 2 s after ready, while the start's garbage is
 *   still held; at rest, 30 s after ready, once V8's memory reducer has returned what the start no
 *   longer needs (it looks every 8 s after a full collection, and collects once the process is
 *   quiet); right after the catalog load
 *   (cached listings, uncached filtered listings, searches for BENCH_PROCESS_LOAD seconds); and 12 s
 *   after that load, idle again.
 *
 * On PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set (the API role), and embedded
 * (PGlite in a data directory, the whole store in one process) in every case.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildServer,
  freePort,
  startApiProcess,
  startBuiltProcess,
  startStoreProcess,
} from '../../server/test/process.js';
import { measure } from './autocannon.js';
import { deleteRedisKeys, numberFromEnv } from './backends.js';
import { apiRedisUrl, log, sleep, storeDatabase } from './checkout-kit.js';
import { onCleanup } from './cleanup.js';

const loadSeconds = numberFromEnv('BENCH_PROCESS_LOAD', 5);

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

interface Figures {
  how: string;
  readyMs: number;
  earlyMb: number;
  restMb: number;
  loadedMb: number;
  settledMb: number;
}

type Started = ReturnType<typeof startApiProcess>;

async function figures(how: string, start: () => Started, port: number): Promise<Figures> {
  const began = performance.now();
  const proc = start();
  onCleanup(async () => {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  });
  await proc.ready;
  const readyMs = performance.now() - began;
  const pid = proc.child.pid ?? 0;
  await sleep(2000);
  const earlyMb = await rssMb(pid);
  await sleep(28_000);
  const restMb = await rssMb(pid);
  const base = `http://127.0.0.1:${port}`;
  let n = 0;
  const paths = () => {
    n++;
    if (n % 3 === 0) return `/api/v1/products?category=lifestyle&maxPrice=${1_000_000 + n}`;
    if (n % 3 === 1) return '/api/v1/products?limit=24';
    return `/api/v1/products?q=run&limit=12`;
  };
  await measure({ url: base, path: paths, connections: 10, duration: loadSeconds, warmup: 0 });
  const loadedMb = await rssMb(pid);
  // Right after the load the old generation still holds the load's garbage until a major
  // collection runs; V8's memory reducer starts 8 s after the allocations stop, so what the process
  // keeps once idle again is read 12 s later.
  await sleep(12_000);
  const settledMb = await rssMb(pid);
  proc.child.kill('SIGTERM');
  await proc.exited;
  return { how, readyMs, earlyMb, restMb, loadedMb, settledMb };
}

/** The same process built (plain node) and from the sources (tsx), one after the other. */
async function bothWays(
  label: string,
  built: (port: number) => Started,
  fromSources: (port: number) => Started,
): Promise<Figures[]> {
  const rows: Figures[] = [];
  for (const [how, start] of [
    [`${label}, node dist/`, built],
    [`${label}, tsx src/`, fromSources],
  ] as const) {
    const port = await freePort();
    rows.push(await figures(how, () => start(port), port));
  }
  return rows;
}

export async function runProcess(): Promise<void> {
  log('== process: start time and resident memory, built JavaScript against the tsx loader');
  await buildServer();
  const rows: Figures[] = [];
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (DATABASE_URL && REDIS_URL) {
    const database = await storeDatabase(DATABASE_URL, 'process');
    // The API's keys (the catalog's version and cache) in the benchmarks' own Redis database.
    const redisUrl = apiRedisUrl(REDIS_URL);
    onCleanup(async () => {
      await deleteRedisKeys(redisUrl, 'catalog:');
    });
    const env = (port: number) => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PAYMENT_TEST_MODE: 'true',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      AMQP_URL: '',
      SEED_ON_START: 'false',
      JWT_SECRET: 'bench-process-secret-0123456789abcdef',
      ADMIN_EMAIL: 'bench@stride.test',
      ADMIN_PASSWORD: 'bench process admin password',
    });
    rows.push(
      ...(await bothWays(
        'API, PostgreSQL + Redis',
        (port) => startBuiltProcess('main-api', env(port), 'store ready'),
        (port) => startApiProcess(env(port)),
      )),
    );
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'stride-bench-process-'));
  onCleanup(() => rm(dataDir, { recursive: true, force: true }));
  // A first start migrates and seeds the embedded store; the measured ones find it ready.
  const seedPort = await freePort();
  const seeding = startStoreProcess({ PORT: String(seedPort), DATA_DIR: dataDir });
  await seeding.ready;
  seeding.child.kill('SIGTERM');
  await seeding.exited;
  const embedded = (port: number) => ({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    REDIS_URL: '',
    AMQP_URL: '',
  });
  rows.push(
    ...(await bothWays(
      'whole store, embedded',
      (port) => startBuiltProcess('main-all', embedded(port), 'store ready'),
      (port) => startStoreProcess(embedded(port)),
    )),
  );
  log('');
  log(
    'process                                start→ready   2 s after ready   at rest (30 s)   after load   12 s later',
  );
  const mb = (value: number, width: number) => `${value.toFixed(0)} MB`.padStart(width);
  for (const row of rows) {
    log(
      `${row.how.padEnd(38)} ${`${Math.round(row.readyMs)} ms`.padStart(11)}   ${mb(row.earlyMb, 15)}   ${mb(row.restMb, 14)}   ${mb(row.loadedMb, 10)}   ${mb(row.settledMb, 10)}`,
    );
  }
}
