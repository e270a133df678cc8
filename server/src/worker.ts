import { Registry } from 'prom-client';
import { createBusMetrics, instrumentBus } from './platform/bus/metrics.js';
import type { Subscription } from './platform/bus/port.js';
import { createOutboxRelay } from './platform/bus/outbox.js';
import type { Job, Platform, StoreModule } from './platform/module.js';
import { modules, type Services } from './modules/index.js';

type AnyStoreModule = StoreModule<object, never>;

/** Runs a job again `intervalMs` after each run ends; a failing run is logged and tried next time. */
function scheduleJob(platform: Platform, job: Job) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    running = job
      .run()
      .catch((err: unknown) => platform.logger.error({ err, job: job.name }, 'job failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, job.intervalMs).unref();
      });
  };
  timer = setTimeout(tick, job.intervalMs).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * The worker role: the outbox relay, every module's consumers and its recurring jobs. Run it in the
 * same process as the API (embedded mode) or as any number of separate processes; consumers with one
 * name compete for one queue, and jobs are written to be safe when several workers run them at once.
 */
export async function startWorker(
  options: Platform & {
    services: Services;
    /** The modules whose consumers and jobs run; every module by default (tests swap one in). */
    modules?: readonly AnyStoreModule[];
    /** Where the relay's and the consumers' metrics go; a new registry by default. */
    metricsRegistry?: Registry;
  },
) {
  const { services, logger } = options;
  const metricsRegistry = options.metricsRegistry ?? new Registry();
  const metrics = createBusMetrics(metricsRegistry);
  // Consumers subscribe through a bus that counts and times what they handle.
  const adapters = { ...options.adapters, bus: instrumentBus(options.adapters.bus, metrics) };
  const platform: Platform = { config: options.config, adapters, logger };
  const relay = createOutboxRelay({
    db: adapters.database.db,
    bus: options.adapters.bus,
    logger,
    listen: (onNotify) => adapters.database.listen('outbox', onNotify),
    metrics,
  });
  const subscriptions: Subscription[] = [];
  const jobs: { stop(): Promise<void> }[] = [];
  for (const module of options.modules ?? modules) {
    const own = services as never;
    if (module.consumers) subscriptions.push(...(await module.consumers(platform, own)));
    const moduleJobs = 'jobs' in module && module.jobs ? module.jobs(platform, own) : [];
    for (const job of moduleJobs as Job[]) jobs.push(scheduleJob(platform, job));
  }
  await relay.start();
  logger.info(
    { consumers: subscriptions.length, jobs: jobs.length },
    'worker started: outbox relay, consumers and jobs',
  );
  return {
    relay,
    metricsRegistry,
    async stop() {
      await Promise.allSettled(jobs.map((job) => job.stop()));
      await relay.stop();
      await Promise.allSettled(subscriptions.map((s) => s.close()));
    },
  };
}
