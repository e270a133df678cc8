import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { isPaymentTestMode, type Config } from '../config.js';
import { LazyChildLogger, loggerOptions } from '../logger.js';
import { createMetrics, registerMetrics } from '../metrics.js';
import { registerCompression } from './compression.js';
import { registerAuth, type AuthOptions } from './auth.js';
import { earlyErrorHandlers, maxHeaderBytes, maxParamLength } from './early-errors.js';
import { registerOpenApi } from './openapi.js';
import { registerOpsRoutes, type ReadinessCheck } from './ops.js';
import { registerProblemHandlers } from './problem.js';
import { registerSecurityHeaders } from './security-headers.js';

export interface HttpAppOptions {
  config: Config;
  readinessChecks: ReadinessCheck[];
  /** A parent logger; when absent, Fastify builds one from the config. */
  logger?: Logger;
  auth: AuthOptions;
}

/**
 * The Fastify instance with the platform concerns in a fixed order: validation and serialisation,
 * errors (including those met before routing), authentication, security headers, CORS, OpenAPI,
 * metrics, operations routes. Domain routes come after, registered by the caller (see `server.ts`).
 */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: loggerOptions(config) }),
    genReqId: () => randomUUID(),
    childLoggerFactory: (logger, bindings, options) =>
      new LazyChildLogger(logger, bindings, options) as unknown as typeof logger,
    trustProxy:
      typeof config.TRUST_PROXY === 'number'
        ? (_address: string, hop: number) => hop < (config.TRUST_PROXY as number)
        : config.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    // Per-request lines only when debugging: at info level they would double the log volume.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace',
    }),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength, ignoreTrailingSlash: true },
    http: { maxHeaderSize: maxHeaderBytes },
    // Bad URLs, over-long parameters and requests Node's parser refuses: problems too.
    ...earlyErrorHandlers(),
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  // Before any route: every route's declared `auth` is enforced from here on (see auth.ts).
  await registerAuth(app, options.auth);
  // Security headers and the request id, from one callback hook (no promise on every request).
  registerSecurityHeaders(app, {
    stripe: config.PAYMENT_PROVIDER === 'stripe',
    upgradeInsecureRequests: config.publicUrlConfigured && config.PUBLIC_URL.startsWith('https:'),
  });
  // Before any route: each one's responses are compressed from here on (see compression.ts).
  await registerCompression(app);
  // Same-origin by default: without configured origins there is nothing for CORS to answer.
  if (config.CORS_ORIGINS.length > 0) {
    await app.register(cors, {
      origin: config.CORS_ORIGINS,
      credentials: true,
      exposedHeaders: ['etag', 'x-request-id', 'retry-after'],
    });
  }

  // Before the routes it documents: each one's schema is completed for the document (openapi.ts).
  await registerOpenApi(app);

  registerMetrics(app, createMetrics(), {
    token: config.METRICS_TOKEN,
    production: config.NODE_ENV === 'production',
  });
  registerOpsRoutes(app, options.readinessChecks, {
    payments: {
      provider: config.PAYMENT_PROVIDER,
      mode: isPaymentTestMode(config) ? 'test' : 'live',
    },
  });
  return app;
}
