import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Adapters } from './adapters.js';
import type { Subscription } from './bus/port.js';
import type { Config } from './config.js';
import type { ReadinessCheck } from './http/ops.js';

/**
 * A commerce module: one folder under `src/modules/` whose `module.ts` declares everything it brings.
 * The app lists modules once (`src/modules/index.ts`) and builds services, routes, consumers and jobs
 * from that list in order; a module's tables are listed in `platform/db/schema.ts` for drizzle-kit.
 */
export interface Platform {
  config: Config;
  adapters: Adapters;
  logger: Logger;
}

/** Work the worker repeats, e.g. expiring unpaid orders. Safe to run in several workers at once. */
export interface Job {
  name: string;
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  run(): Promise<unknown>;
}

export interface StoreModule<Provides extends object, Requires extends object> {
  name: string;
  /**
   * The module's services; `services` holds those of the modules listed before it. A property, not
   * a method, so that `Requires` is checked contravariantly: a list that puts a module before one it
   * needs does not compile (`inDependencyOrder`).
   */
  createServices: (platform: Platform, services: Requires) => Provides;
  /** HTTP routes, registered at the root (API routes under `/api/v1`, see `apiPrefix`). */
  routes?(app: FastifyInstance, platform: Platform, services: Provides & Requires): Promise<void>;
  /** The module's bus consumers (worker role). */
  consumers?(platform: Platform, services: Provides & Requires): Promise<Subscription[]>;
  /** The module's recurring jobs (worker role). */
  jobs?(platform: Platform, services: Provides & Requires): Job[];
  /** What `/ready` should check for this module (api role). */
  readiness?(platform: Platform, services: Provides & Requires): ReadinessCheck[];
}

export const apiPrefix = '/api/v1';

/** Typed identity: lets TypeScript infer what a module provides and requires. */
export function defineModule<Provides extends object, Requires extends object = object>(
  module: StoreModule<Provides, Requires>,
): StoreModule<Provides, Requires> {
  return module;
}

/**
 * Modules in dependency order, checked by the compiler: `add` takes a module only when the
 * modules before it provide every service it requires, and `createServices` builds them in that
 * order, each with the services of those before it. (Not `then`: an object with a `then` method
 * is taken for a promise by `await`.)
 */
export interface ModuleList<Have extends object, Modules extends readonly unknown[]> {
  readonly modules: Modules;
  createServices(platform: Platform): Have;
  add<Provides extends object>(
    module: StoreModule<Provides, Have>,
  ): ModuleList<Have & Provides, readonly [...Modules, StoreModule<Provides, Have>]>;
}

function listOf<Have extends object, Modules extends readonly unknown[]>(
  modules: Modules,
  build: (platform: Platform) => Have,
): ModuleList<Have, Modules> {
  return {
    modules,
    createServices: build,
    add: (module) =>
      listOf([...modules, module] as const, (platform) => {
        const services = build(platform);
        return Object.assign(services, module.createServices(platform, services));
      }),
  };
}

export const inDependencyOrder = (): ModuleList<object, readonly []> =>
  listOf([] as const, () => ({}));
