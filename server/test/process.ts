import { execFile, spawn } from 'node:child_process';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Helpers for tests that run the store as a real process (the start-up tests, the browser tests). */

const serverDir = fileURLToPath(new URL('..', import.meta.url));

/** A TCP port nothing listens on right now, for a server a test starts itself. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/**
 * One API process (`npm run start:api`) on the services the environment names: several of them on
 * one database behave as a load-balanced deployment does.
 */
export function startApiProcess(env: Record<string, string>) {
  return startProcess('src/main-api.ts', { ...process.env, LOG_LEVEL: 'info', ...env });
}

/** One worker process (`npm run start:worker`): the relay, the consumers and the jobs. */
export function startWorkerProcess(env: Record<string, string>) {
  return startProcess(
    'src/main-worker.ts',
    { ...process.env, LOG_LEVEL: 'info', ...env },
    'worker started',
  );
}

/** The node flags of `npm start` and the `start:*` scripts. */
const builtNodeArgs = ['--expose-gc', '--max-semi-space-size=4', '--heap-growing-percent=100'];

/**
 * The embedded store as `npm start` runs it: no service URLs, whatever the test's environment has.
 * `built`: from the bundle in dist/ (`npm run build -w server` first), which starts without
 * compiling the sources; the TypeScript loader stays, for the test code a store may load from its
 * sources (the Stripe stand-in).
 */
export function startStoreProcess(env: Record<string, string>, options: { built?: boolean } = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !['DATABASE_URL', 'REDIS_URL', 'AMQP_URL'].includes(key),
    ),
  );
  const childEnv = { ...clean, LOG_LEVEL: 'info', ...env };
  return options.built
    ? startProcess('dist/main-all.js', childEnv, 'store ready', [
        ...builtNodeArgs,
        '--import',
        'tsx',
      ])
    : startProcess('src/main-all.ts', childEnv);
}

/**
 * `npm run build` of the server, one test file at a time (files run in parallel, and two builds
 * writing the same dist/ at once would trip over each other). Incremental: quick after the first.
 */
export async function buildServer(): Promise<void> {
  const lock = join(serverDir, 'dist.build-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // A lock left by a test run that died is stale after three minutes.
      const age = Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now());
      if (age > 180_000) await rmdir(lock).catch(() => {});
      if (Date.now() > deadline) throw new Error('the server build lock was never released');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: serverDir });
  } finally {
    await rmdir(lock).catch(() => {});
  }
}

/**
 * A role from the built JavaScript (`npm run build -w server` first), as `npm start` and the
 * `start:*` scripts run it: plain node, no TypeScript loader.
 */
export function startBuiltProcess(
  entry: 'main-all' | 'main-api' | 'main-worker' | 'gateway/main',
  env: Record<string, string>,
  readyLine: string,
) {
  return startProcess(
    `dist/${entry}.js`,
    { ...process.env, LOG_LEVEL: 'info', ...env },
    readyLine,
    builtNodeArgs,
  );
}

function startProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  readyLine = 'store ready',
  nodeArgs: string[] = ['--import', 'tsx'],
) {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: serverDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes(readyLine)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`store exited before it was ready:\n${output}`));
    });
  });
  return { child, ready, exited, output: () => output };
}
