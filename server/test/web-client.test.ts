import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The generator the storefront's script uses, so the check and the file cannot disagree on format.
// @ts-expect-error: a plain .mjs module of the web workspace, without declarations.
import { clientTypes } from '../../web/scripts/client-types.mjs';
import { createTestStore, type TestStore } from './harness.js';

/**
 * The storefront's typed client is generated from the API's OpenAPI document and checked in
 * (web/src/api/schema.d.ts). A route or schema changed without regenerating it fails here.
 */
describe('the storefront client types', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('embedded');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('match the OpenAPI document the API serves (run `npm run api:types -w web` after an API change)', async () => {
    const document = (await store.app.inject('/openapi.json')).json();
    const expected = (await clientTypes(document)) as string;
    const checkedIn = await readFile(
      new URL('../../web/src/api/schema.d.ts', import.meta.url),
      'utf8',
    );
    // Compared line by line so a failure names the first difference, not a 370 KB string.
    const want = expected.split('\n');
    const have = checkedIn.split('\n');
    const first = want.findIndex((line, i) => line !== have[i]);
    expect(
      first === -1 && want.length === have.length ? 'in step' : `differs at line ${first + 1}`,
    ).toBe('in step');
  });
});
