import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';

/**
 * Stopping and starting the machine's services as an operator would, for the fault tests. Each
 * start waits until the service answers, and `ensureUp` puts back anything a failed test left down.
 */
const run = promisify(execFile);

export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

export const rabbitmq = {
  async stop() {
    await run('rabbitmqctl', ['stop'], { timeout: 120_000 });
    await until(async () => !(await portOpen(5672)), 60_000, 'RabbitMQ stopping');
  },
  async start() {
    if (!(await portOpen(5672))) await run('rabbitmq-server', ['-detached'], { timeout: 60_000 });
    await until(() => portOpen(5672), 120_000, 'RabbitMQ answering');
    await run('rabbitmqctl', ['await_startup'], { timeout: 120_000 });
  },
};

/** The start command `.ci/run` uses. */
const redisStart = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

export const redis = {
  async stop() {
    await run('redis-cli', ['shutdown', 'nosave']).catch(() => {});
    await until(async () => !(await portOpen(6379)), 30_000, 'Redis stopping');
  },
  async start() {
    if (!(await portOpen(6379))) await run('redis-server', redisStart, { timeout: 30_000 });
    await until(() => portOpen(6379), 30_000, 'Redis answering');
  },
};

export async function ensureUp() {
  await redis.start();
  await rabbitmq.start();
}

/** Queues of one AMQP namespace, deleted after a test so they hold no broker resources. */
export async function deleteNamespace(url: string, namespace: string) {
  const { stdout } = await run('rabbitmqctl', [
    'list_queues',
    'name',
    '--quiet',
    '--no-table-headers',
  ]);
  const names = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n.startsWith(`${namespace}.`));
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name).catch(() => {});
    await channel.deleteExchange(`${namespace}.events`).catch(() => {});
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Messages waiting in each queue of a namespace (for a failing test's report). */
export async function queueDepths(namespace: string): Promise<Record<string, number>> {
  const { stdout } = await run('rabbitmqctl', [
    'list_queues',
    'name',
    'messages',
    '--quiet',
    '--no-table-headers',
  ]);
  return Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([name]) => name?.startsWith(`${namespace}.`))
      .map(([name, count]) => [name as string, Number(count)]),
  );
}
