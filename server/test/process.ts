import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
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

/** The embedded store as `npm start` runs it: no service URLs, whatever the test's environment has. */
export function startStoreProcess(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !['DATABASE_URL', 'REDIS_URL', 'AMQP_URL'].includes(key),
    ),
  );
  return startProcess('src/main-all.ts', { ...clean, LOG_LEVEL: 'info', ...env });
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
    ['--enable-source-maps'],
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
