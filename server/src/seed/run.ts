import pino from 'pino';
import { closeAdapters, openAdapters } from '../platform/adapters.js';
import { loadConfig } from '../platform/config.js';
import { loggerOptions } from '../platform/logger.js';
import { seedCatalogIfEmpty } from './seed.js';

/** `npm run seed`: migrate and load the demo catalog into an empty store (a no-op otherwise). */
const config = loadConfig();
const logger = pino(loggerOptions(config));
const adapters = await openAdapters(config, logger);
try {
  await adapters.database.migrate();
  const added = await seedCatalogIfEmpty(adapters.database.db, logger);
  if (added === 0) logger.info('the catalog already has products; nothing seeded');
} finally {
  await closeAdapters(adapters);
}
