import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';

/** Pino options shared by the api and the worker; secrets never reach a log line. */
export function loggerOptions(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
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
