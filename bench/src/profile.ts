/**
 * `npm run bench -- profile`: where a request's time goes. For each catalog case, a demo store is
 * started, warmed up, then profiled (node:inspector) while loaded for BENCH_PROFILE_SECONDS (default 8) with autocannon, and
 * stopped; its CPU profile is written to `bench/results/profile-<case>-<date>.cpuprofile` (open it
 * in Chrome DevTools' Performance panel or https://www.speedscope.app for the flame graph), and the
 * functions with the most self time are printed, grouped by where their code lives.
 *
 * BENCH_PROFILE_CASES (names separated by commas) picks cases: uncached-listing, uncached-search,
 * cached-listing, product-page.
 *
 * Backends as for `catalog`: PGlite and the in-memory cache by default, PostgreSQL and Redis when
 * DATABASE_URL and REDIS_URL are set.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkClean, formatRps, measure } from './autocannon.js';
import { createDatabase, deleteRedisKeys, numberFromEnv, runId } from './backends.js';
import { startChild, type Child } from './children.js';
import { onCleanup } from './cleanup.js';
import type { StoreInfo } from './protocol.js';

const env = process.env;
const seconds = numberFromEnv('BENCH_PROFILE_SECONDS', 8);
const log = (line = '') => process.stdout.write(`${line}\n`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Milliseconds the process spent on the CPU during the profile (every sample but idle ones). */
function busyMs(profile: Profile): number {
  const idle = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  let micros = 0;
  profile.samples.forEach((node, i) => {
    if (!idle.has(node)) micros += profile.timeDeltas[i] ?? 0;
  });
  return micros / 1000;
}

/** Self samples per function, and per place (the store's code, a dependency, Node itself). */
function summarise(profile: Profile) {
  const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '');
    const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const place = dependency
      ? dependency
      : file.includes('/server/src/')
        ? 'store code'
        : file
          ? 'node internals'
          : functionName.startsWith('(')
            ? functionName
            : 'native';
    const name = `${functionName || '(anonymous)'} ${dependency ?? path.basename(file)}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return { places: top(byPlace, 12), functions: top(byFunction, 25) };
}

/** Load a server for the measured seconds under a CPU profile, written to `file`. */
async function profiled(server: Child, pathOf: () => string, file: string) {
  const load = { url: server.url, path: pathOf, connections: 10 };
  // Warmed up first (JIT, pools, caches); only the measured run is profiled.
  await measure({ ...load, duration: 1, warmup: 0 });
  await server.request({ type: 'profile-start' }, 'ack');
  const result = await measure({ ...load, duration: seconds, warmup: 0 });
  await server.request({ type: 'profile-stop', file }, 'ack');
  checkClean(file, result);
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  return { rps: result.rps, cpuMicros: (busyMs(profile) * 1000) / Math.max(result.requests, 1) };
}

export async function runProfile(): Promise<void> {
  const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  let maxPrice = 1_000_000;
  const cases = [
    {
      name: 'uncached-listing',
      path: () => `/api/v1/products?category=lifestyle&gender=men&maxPrice=${maxPrice++}`,
    },
    { name: 'uncached-search', path: () => `/api/v1/products?q=running&maxPrice=${maxPrice++}` },
    { name: 'cached-listing', path: () => '/api/v1/products' },
    { name: 'product-page', path: (slug: string) => `/api/v1/products/${slug}` },
  ];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const only = (env.BENCH_PROFILE_CASES ?? '').split(/[\s,]+/).filter(Boolean);
  for (const item of cases.filter((c) => only.length === 0 || only.includes(c.name))) {
    const storeEnv: Record<string, string> = { BENCH_ROLE: 'store', BENCH_PRODUCTS: '0' };
    if (env.DATABASE_URL) {
      storeEnv.BENCH_DATABASE_URL = await createDatabase(
        env.DATABASE_URL,
        `profile_${item.name.replace(/-/g, '_')}`,
      );
    }
    if (env.REDIS_URL) {
      const prefix = `bench:${runId}:profile:`;
      storeEnv.BENCH_REDIS_URL = env.REDIS_URL;
      storeEnv.BENCH_REDIS_PREFIX = prefix;
      onCleanup(async () => void (await deleteRedisKeys(env.REDIS_URL!, prefix)));
    }
    const store = await startChild(storeEnv);
    onCleanup(() => store.stop());
    const slug = (store.store as StoreInfo).sampleSlug;
    const pathOf = () => item.path(slug);
    process.stdout.write(`${item.name}: ${seconds} s of load on the store… `);
    const file = path.join(resultsDir, `profile-${item.name}-${stamp}.cpuprofile`);
    const ran = await profiled(store, pathOf, file);
    const body = (await (await fetch(store.url + pathOf())).text()) as string;
    await store.stop();
    // The bare route sending the same bytes, profiled the same way: the floor for this response.
    process.stdout.write('on the bare route… ');
    const bare = await startChild({ BENCH_ROLE: 'bare' });
    onCleanup(() => bare.stop());
    await bare.request({ type: 'bodies', bodies: { list: body, product: body } }, 'ack');
    const bareFile = path.join(resultsDir, `profile-${item.name}-bare-${stamp}.cpuprofile`);
    const bareRan = await profiled(bare, pathOf, bareFile);
    await bare.stop();
    log('done');
    log(
      `  store ${formatRps(ran.rps)} req/s, ${ran.cpuMicros.toFixed(0)} µs of CPU per request; ` +
        `bare ${formatRps(bareRan.rps)} req/s, ${bareRan.cpuMicros.toFixed(0)} µs; ` +
        `bare/store CPU per request ${((bareRan.cpuMicros / ran.cpuMicros) * 100).toFixed(0)} %`,
    );
    const summary = summarise(JSON.parse(await readFile(file, 'utf8')));
    log(`  self time by place:`);
    for (const line of summary.places) log(`    ${line}`);
    log(`  functions with the most self time:`);
    for (const line of summary.functions) log(`    ${line}`);
    log(`  profile: ${file}`);
    log('');
  }
}
