import type { FastifyBaseLogger } from 'fastify';
import { stdSerializers, type LoggerOptions } from 'pino';
import { sourceMappedStack } from './stack-traces.js';

/** An error as pino logs it, its stack pointed at the TypeScript sources (stack-traces.ts). */
function serializeError(error: Error) {
  const serialized = stdSerializers.err(error);
  // What was thrown need not be an Error (`throw null`): then it is logged as it is.
  if (serialized !== null && typeof serialized === 'object' && typeof serialized.stack === 'string')
    serialized.stack = sourceMappedStack(serialized.stack);
  return serialized;
}

/** Pino options shared by every process (api, worker, gateway); secrets never reach a log line. */
export function loggerOptions(config: { LOG_LEVEL: string }): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    serializers: { err: serializeError },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.refreshToken',
      ],
      censor: '[redacted]',
    },
  };
}

/**
 * A request's logger, made only when something logs. Fastify gives every request a child logger
 * carrying its request id; most requests log nothing, yet making a pino child serialises its
 * bindings each time (about a fiftieth of a cached catalog answer's CPU). This stands in for the
 * child and makes the real one on first use.
 */
export class LazyChildLogger {
  #made: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Record<string, unknown>,
    private readonly options: object,
  ) {}
  private get real(): FastifyBaseLogger {
    return (this.#made ??= this.parent.child(this.bindings, this.options));
  }
  get level() {
    return this.real.level;
  }
  set level(level: string) {
    this.real.level = level;
  }
  child(bindings: Record<string, unknown>, options?: object) {
    return this.real.child(bindings, options);
  }
  silent(...args: unknown[]) {
    this.real.silent(...(args as [string]));
  }
  trace(...args: unknown[]) {
    this.real.trace(...(args as [string]));
  }
  debug(...args: unknown[]) {
    this.real.debug(...(args as [string]));
  }
  info(...args: unknown[]) {
    this.real.info(...(args as [string]));
  }
  warn(...args: unknown[]) {
    this.real.warn(...(args as [string]));
  }
  error(...args: unknown[]) {
    this.real.error(...(args as [string]));
  }
  fatal(...args: unknown[]) {
    this.real.fatal(...(args as [string]));
  }
}
