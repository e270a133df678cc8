import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, QueryPlan, StoreInfo } from './protocol.js';

const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));

/** A server process started from `serve.ts`. */
export interface Child {
  url: string;
  /** The server's process id (for its CPU time, read from /proc). */
  pid: number;
  store?: StoreInfo;
  /** Send a message and wait for the first reply of the given type. */
  request<T extends ChildMessage['type']>(
    message: ParentMessage,
    reply: T,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  stop(): Promise<void>;
}

function waitFor<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`benchmark server gave no ${type} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onMessage = (message: ChildMessage) => {
      if (message.type === type) {
        cleanup();
        resolve(message as Extract<ChildMessage, { type: T }>);
      } else if (message.type === 'error') {
        cleanup();
        reject(new Error(`benchmark server failed:\n${message.message}`));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`benchmark server exited (code ${code}) before ${type}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Start `serve.ts` in a child process (`node --import tsx`, so TypeScript runs as in `npm start`) and
 * wait for it to listen. `env` selects the role and backends; see `serve.ts`.
 */
export async function startChild(
  env: Record<string, string>,
  options: { readyTimeoutMs?: number; nodeOptions?: string[] } = {},
): Promise<Child> {
  const child = fork(serveScript, [], {
    execArgv: ['--import', 'tsx', ...(options.nodeOptions ?? [])],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ready: Extract<ChildMessage, { type: 'ready' }>;
  try {
    ready = await waitFor(child, 'ready', options.readyTimeoutMs ?? 120_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `http://127.0.0.1:${ready.port}`,
    pid: child.pid ?? 0,
    ...(ready.store ? { store: ready.store } : {}),
    async request(message, reply) {
      const answer = waitFor(child, reply, 120_000);
      child.send(message);
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.send({ type: 'stop' } satisfies ParentMessage);
      await exited;
      clearTimeout(force);
    },
  };
}

export async function explain(store: Child, query: string): Promise<QueryPlan[]> {
  return (await store.request({ type: 'explain', query }, 'explained')).plans;
}
