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
    // The seeded database every embedded test store starts from, made before any file runs.
    globalSetup: ['test/embedded-template.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
    pool: 'forks',
    // Two files at a time, not vitest's one on a two-core machine: a file spends much of its time
    // waiting on PostgreSQL, RabbitMQ, an SMTP server or a worker, and each has a database, key
    // prefix and exchange of its own.
    maxWorkers: 2,
    reporters: resultsDir ? ['default', 'json'] : ['default'],
    ...(resultsDir ? { outputFile: { json: join(resultsDir, 'server.json') } } : {}),
  },
});
