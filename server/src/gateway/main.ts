import Fastify, { LogController, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { logUncaughtFailures } from '../platform/crash-logging.js';
import { loggerOptions } from '../platform/logger.js';
import { z } from 'zod';
import { connectPostgres, openPglite } from '../platform/db/index.js';
import { createGateway } from './gateway.js';

/**
 * The local payment gateway as its own process (`npm run start:gateway`), as a real provider would
 * be: the store reaches it at PAYMENT_GATEWAY_URL with the same key and webhook secret set on both.
 */
const env = z
  .object({
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    /** Its own database (or schema: it keeps to `gateway.*`). Unset: PGlite in DATA_DIR/gateway. */
    GATEWAY_DATABASE_URL: z.string().optional(),
    DATA_DIR: z.string().default('./.data'),
    PAYMENT_GATEWAY_KEY: z.string().min(24),
    PAYMENT_WEBHOOK_SECRET: z.string().min(24),
    /** The store's webhook endpoint, e.g. http://localhost:3000/api/v1/webhooks/payments/local */
    PAYMENT_WEBHOOK_URL: z.url(),
    LOG_LEVEL: z.string().default('info'),
  })
  .safeParse(process.env);

if (!env.success) {
  process.stderr.write(
    `Invalid configuration:\n${env.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
  );
  process.exit(1);
}
const config = env.data;
// The store's logger options: its stacks mapped to the sources, its secrets redacted.
const logger = pino({ ...loggerOptions(config), name: 'gateway' });
logUncaughtFailures(logger);
const database = config.GATEWAY_DATABASE_URL
  ? await connectPostgres(config.GATEWAY_DATABASE_URL)
  : await openPglite(`${config.DATA_DIR}/gateway`);
const gateway = createGateway({
  db: database.db,
  apiKey: config.PAYMENT_GATEWAY_KEY,
  webhookUrl: config.PAYMENT_WEBHOOK_URL,
  webhookSecret: config.PAYMENT_WEBHOOK_SECRET,
  logger,
});
const app = Fastify({
  loggerInstance: logger,
  logController: new LogController({ disableRequestLogging: true }),
}) as unknown as FastifyInstance;
await gateway.mount(app, '/gateway');
await app.listen({ port: config.GATEWAY_PORT, host: config.GATEWAY_HOST });
logger.info(`payment gateway ready at http://localhost:${config.GATEWAY_PORT}/gateway`);

const stop = async () => {
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
