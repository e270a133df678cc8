import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const resultsDir = process.env.TEST_RESULTS_DIR;

/**
 * The fault tests: they stop and restart the machine's RabbitMQ and Redis, so they run alone, one
 * file at a time, after the rest of the suite (`npm run test:faults`).
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: resultsDir ? ['default', 'json'] : ['default'],
    ...(resultsDir ? { outputFile: { json: join(resultsDir, 'faults.json') } } : {}),
  },
});
