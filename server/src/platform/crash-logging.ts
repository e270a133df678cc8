import type { Logger } from 'pino';

/**
 * A failure nothing caught, an exception or a promise rejection nothing handled, is logged as one
 * fatal line, its stack pointed at the TypeScript sources by the logger's `err` serializer, and the
 * process exits with 1 for its supervisor to start it again: after such a failure its state is not
 * known. Left to node, the trace would go to stderr with the bundle's minified frames, outside the
 * structured log.
 */
export function logUncaughtFailures(logger: Logger): void {
  process.on('uncaughtException', (error, origin) => {
    const what = origin === 'unhandledRejection' ? 'a promise rejection' : 'an exception';
    try {
      logger.fatal({ err: error, origin }, `${what} nothing handled: the process stops`);
    } finally {
      process.exit(1);
    }
  });
}
