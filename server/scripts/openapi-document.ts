/**
 * Prints the API's OpenAPI document (the one served at /openapi.json) to stdout, from a store built
 * in memory: no database, port or service needed. The storefront's typed client is generated from
 * it (`npm run api:types -w web`).
 */
import { createTestStore } from '../test/harness.js';

const store = await createTestStore('embedded');
try {
  const response = await store.app.inject('/openapi.json');
  if (response.statusCode !== 200) throw new Error(`/openapi.json answered ${response.statusCode}`);
  process.stdout.write(`${JSON.stringify(response.json(), null, 2)}\n`);
} finally {
  await store.close();
}
