import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// CI asks for a JSON report beside the usual output, to sum results over every runner.
const resultsDir = process.env.TEST_RESULTS_DIR;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The fault tests stop and restart the shared RabbitMQ and Redis: they run on their own
    // (`npm run test:faults`), never beside tests that use those services.
    exclude: ['test/faults/**', '**/node_modules/**'],
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    reporters: resultsDir ? ['default', 'json'] : ['default'],
    ...(resultsDir ? { outputFile: { json: join(resultsDir, 'server.json') } } : {}),
  },
});
