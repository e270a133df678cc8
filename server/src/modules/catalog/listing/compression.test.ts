import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend, createTestStore, type TestStore } from '../../../../test/harness.js';

/** Bytes on the wire: compressed answers, chosen by Accept-Encoding, the same ETag either way. */
describeEachBackend('compressed responses (%s)', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(backend);
  });
  afterAll(async () => {
    await store?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    store.app.inject({ method: 'GET', url, headers });
  const listing = '/api/v1/products?limit=24&sort=price_asc';

  it('sends a cached listing in brotli or gzip, decoding to the same JSON under the same ETag', async () => {
    const plain = await get(listing);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('accept-encoding');
    expect(plain.body.length).toBeGreaterThan(1024);

    for (const [accept, encoding, decode] of [
      ['br, gzip', 'br', brotliDecompressSync],
      ['gzip, deflate', 'gzip', gunzipSync],
      ['br;q=0, gzip', 'gzip', gunzipSync],
    ] as const) {
      // Twice: the first may build the entry, the second is a cache hit with the kept bytes.
      for (let i = 0; i < 2; i++) {
        const response = await get(listing, { 'accept-encoding': accept });
        expect(response.headers['content-encoding'], accept).toBe(encoding);
        expect(response.headers.etag).toBe(plain.headers.etag);
        expect(response.headers.vary).toContain('accept-encoding');
        expect(response.rawPayload.length).toBeLessThan(plain.body.length / 3);
        expect(decode(response.rawPayload).toString('utf8')).toBe(plain.body);
      }
    }
    const revalidated = await get(listing, {
      'accept-encoding': 'br',
      'if-none-match': plain.headers.etag as string,
    });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');
  });

  it('compresses uncached answers on the fly, and leaves small ones alone', async () => {
    const document = await get('/openapi.json', { 'accept-encoding': 'br' });
    expect(document.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(document.rawPayload).toString('utf8'))).toHaveProperty(
      'openapi',
    );
    const small = await get('/health', { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ status: 'ok' });
    const identity = await get('/openapi.json', { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
  });
});
