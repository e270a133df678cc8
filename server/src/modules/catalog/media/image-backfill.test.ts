import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { queryRows } from '../../../platform/db/index.js';
import { createLocalStorage } from '../../../platform/storage/local.js';
import { describeEachBackend, silentLogger } from '../../../../test/harness.js';
import { photoJpeg, pngHeaderThenHtml } from '../../../../test/image-fixtures.js';
import { createImageBackfill } from './image-backfill.js';
import { imageKit } from './image-test-kit.js';
import type { Product } from '../schemas.js';

/**
 * Photos uploaded before uploads were processed (stored as sent under the SHA-256 of their bytes)
 * are served as they were until the worker's back-fill processes them.
 */
describeEachBackend('processing photos uploaded before processing (%s)', (backend) => {
  const { kit, uploads, product } = imageKit(backend);
  const db = () => kit.ctx.store.adapters.database.db;
  const storage = createLocalStorage(uploads);
  const backfill = () =>
    createImageBackfill({
      db: db(),
      storage,
      maxPixels: 50_000_000,
      onChanged: () => kit.ctx.store.services.catalog.productsChanged(),
      logger: silentLogger,
    });

  /** An image row and its file as the store kept them before: the bytes as sent. */
  async function legacyImage(productId: string, color: string, bytes: Buffer, ext: string) {
    const key = `${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
    await storage.put(key, bytes, ext === 'png' ? 'image/png' : 'image/jpeg');
    const url = `/images/uploads/${key}`;
    await db().execute(
      sql`INSERT INTO product_images (product_id, color, url, alt, position)
          VALUES (${productId}::uuid, ${color}, ${url}, 'Old photo', 99)`,
    );
    return url;
  }

  it('serves an old upload as it was, then replaces it by its renditions and removes the old file', async () => {
    const { id, slug, colors } = await product();
    const color = colors[0] as string;
    const camera = await photoJpeg({ gps: true, width: 700, height: 350 });
    const old = await legacyImage(id, color, camera, 'jpg');
    const before = (await kit.get(`/products/${slug}`)).json() as Product;
    expect(before.images.find((i) => i.color === color)).toEqual({
      url: old,
      alt: 'Old photo',
      color,
    });
    expect((await kit.ctx.store.app.inject(old)).rawPayload.equals(camera)).toBe(true);

    expect(await backfill().run()).toBeGreaterThanOrEqual(1);
    const after = (await kit.get(`/products/${slug}`)).json() as Product;
    const image = after.images.find((i) => i.color === color);
    expect(image).toMatchObject({
      url: expect.stringMatching(/^\/images\/uploads\/[0-9a-f]{64}-700\.jpg$/),
      width: 700,
      height: 350,
      srcset: { widths: [320, 640, 700], formats: ['avif', 'webp', 'jpg'] },
    });
    const served = await kit.ctx.store.app.inject(`${image?.srcset?.base}-320.avif`);
    expect(served.statusCode).toBe(200);
    expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    await expect.poll(async () => (await kit.ctx.store.app.inject(old)).statusCode).toBe(404);
    const [event] = await queryRows<{ payload: { change: string } }>(
      db(),
      sql`SELECT payload FROM outbox WHERE type = 'product_images_changed'
          AND payload->>'productId' = ${id} AND payload->>'change' = 'processed'`,
    );
    expect(event).toBeDefined();
    expect(await backfill().run()).toBe(0);
  });

  it('leaves a file that does not decode as it was, marked so it is tried once', async () => {
    const { id, slug, colors } = await product();
    const color = colors[0] as string;
    const forged = pngHeaderThenHtml();
    const old = await legacyImage(id, color, forged, 'png');
    await backfill().run();
    const page = (await kit.get(`/products/${slug}`)).json() as Product;
    expect(page.images.find((i) => i.url === old)).toEqual({ url: old, alt: 'Old photo', color });
    const served = await kit.ctx.store.app.inject(old);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['content-security-policy']).toContain('sandbox');
    expect(await backfill().run()).toBe(0);
  });
});
