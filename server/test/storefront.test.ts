import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/server.js';
import { createTestStore, silentLogger, type TestStore } from './harness.js';

/** The storefront's files: precompressed copies served by Accept-Encoding, hashed assets immutable. */
describe('storefront files', () => {
  let store: TestStore;
  let app: FastifyInstance;
  let dir: string;
  const script = `console.log(${JSON.stringify('stride '.repeat(400))});\n`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stride-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><title>Stride</title><div id="root"></div>',
    );
    await writeFile(join(dir, 'assets', 'index-abc123.js'), script);
    await writeFile(join(dir, 'assets', 'index-abc123.js.br'), brotliCompressSync(script));
    await writeFile(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(script));
    store = await createTestStore('embedded');
    ({ app } = await buildApi({
      config: store.config,
      adapters: store.adapters,
      logger: silentLogger,
      storefrontDir: dir,
      services: store.services,
    }));
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  it('serves the brotli or gzip copy the browser accepts, and the file itself otherwise', async () => {
    const br = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toContain('javascript');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);

    const gz = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await get('/assets/index-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('answers client-side routes with index.html, revalidated on every visit', async () => {
    const [product] = (await get('/api/v1/products?limit=1')).json().items as { slug: string }[];
    const page = await get(`/products/${product?.slug}`, { 'accept-encoding': 'br' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const html =
      page.headers['content-encoding'] === 'br'
        ? brotliDecompressSync(page.rawPayload).toString()
        : page.body;
    expect(html).toContain('<div id="root">');
    expect((await get('/orders/123/confirmation')).body).toContain('<div id="root">');
    // A product that does not exist is still the storefront's page (it shows "not found"), with
    // the status a crawler needs (see seo.test.ts).
    const missing = await get('/products/some-shoe');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<div id="root">');
    // API paths never fall back to the page.
    expect((await get('/api/v1/nothing-here')).statusCode).toBe(404);
  });
});
