import { readdir } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/harness.js';
import { photoJpeg, pixelBombPng, pngHeaderThenHtml } from '../../../../test/image-fixtures.js';
import { imageKit, type Image } from './image-test-kit.js';

/**
 * Every upload is decoded and encoded anew: what does not decode, or decodes to too many pixels,
 * is refused and nothing is stored; what is stored carries no metadata and is upright.
 */
describeEachBackend('uploaded images are re-encoded (%s)', (backend) => {
  const { kit, uploads, product, upload, png } = imageKit(backend, {
    IMAGE_UPLOAD_MAX_BYTES: String(1024 * 1024),
    IMAGE_UPLOAD_MAX_PIXELS: String(4_000_000),
  });
  const stored = async (productId: string) => ({
    rows: await kit.count(
      sql`SELECT count(*)::int AS n FROM product_images WHERE product_id = ${productId}::uuid`,
    ),
    files: (await readdir(uploads).catch(() => [])).length,
  });
  const uploaded = (body: string) =>
    (JSON.parse(body) as { items: Image[] }).items.filter((i) =>
      i.url.startsWith('/images/uploads/'),
    );
  const fetchFile = async (url: string) => {
    const response = await kit.ctx.store.app.inject(url);
    expect(response.statusCode, url).toBe(200);
    return response;
  };

  it('refuses a PNG header followed by HTML with 422 image_unreadable, storing nothing', async () => {
    const { id, colors } = await product();
    const before = await stored(id);
    const response = await upload(id, { color: colors[0] as string }, png(pngHeaderThenHtml()));
    expect(response.statusCode, response.body).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 422, code: 'image_unreadable' });
    expect(await stored(id)).toEqual(before);
  });

  it('refuses a pixel bomb from its header with 413 image_too_large, without decoding it', async () => {
    const { id, colors } = await product();
    const before = await stored(id);
    const bomb = pixelBombPng(12_000, 12_000); // 17 KB that would decode to 432 MB
    expect(bomb.length).toBeLessThan(64 * 1024);
    const rss = process.memoryUsage().rss;
    const response = await upload(id, { color: colors[0] as string }, png(bomb));
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json()).toMatchObject({
      status: 413,
      code: 'image_too_large',
      maxPixels: 4_000_000,
    });
    // Decoding it would have taken hundreds of megabytes.
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
    expect(await stored(id)).toEqual(before);
  });

  it('strips EXIF and GPS from every stored file', async () => {
    const { id, colors } = await product();
    const camera = await photoJpeg({ gps: true });
    expect((await sharp(camera).metadata()).exif).toBeDefined();
    const response = await upload(id, { color: colors[0] as string }, png(camera));
    expect(response.statusCode, response.body).toBe(201);
    const [image] = uploaded(response.body);
    const { base, widths, formats } = image?.srcset ?? { base: '', widths: [], formats: [] };
    expect(formats).toEqual(['avif', 'webp', 'jpg']);
    for (const format of formats) {
      for (const width of widths) {
        const file = await fetchFile(`${base}-${width}.${format}`);
        const metadata = await sharp(file.rawPayload).metadata();
        expect(metadata, `${width}.${format}`).toMatchObject({ width });
        expect(metadata.exif, `${width}.${format}`).toBeUndefined();
        expect(metadata.xmp).toBeUndefined();
        expect(file.rawPayload.includes('Test Camera')).toBe(false);
      }
    }
    const fallback = await sharp((await fetchFile(image?.url as string)).rawPayload).metadata();
    expect(fallback).toMatchObject({ format: 'jpeg', width: 40, height: 20 });
    expect(fallback.exif).toBeUndefined();
  });

  it('turns a photo upright by its EXIF orientation before storing it', async () => {
    const { id, colors } = await product();
    // 40×20, red on the left; orientation 6 means "turn 90° clockwise to show".
    const sideways = await photoJpeg({ orientation: 6 });
    const response = await upload(id, { color: colors[0] as string }, png(sideways));
    expect(response.statusCode, response.body).toBe(201);
    const [image] = uploaded(response.body);
    expect(image).toMatchObject({ width: 20, height: 40 });
    const { data, info } = await sharp((await fetchFile(image?.url as string)).rawPayload)
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([20, 40]);
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3),
    ];
    const [top, bottom] = [pixel(10, 5), pixel(10, 35)];
    expect(top[0]).toBeGreaterThan(150); // red on top
    expect(top[2]).toBeLessThan(100);
    expect(bottom[2]).toBeGreaterThan(150); // blue below
    expect(bottom[0]).toBeLessThan(100);
    expect(
      (await sharp((await fetchFile(image?.url as string)).rawPayload).metadata()).orientation,
    ).toBeUndefined();
  });
});
