import { readdir } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { queryRows } from '../../../platform/db/index.js';
import { describeEachBackend } from '../../../../test/harness.js';
import { photoJpeg, tinyPng } from '../../../../test/image-fixtures.js';
import { form, imageKit, type Image } from './image-test-kit.js';
import type { Product } from '../schemas.js';

const maxBytes = 4096;

/** Product images per colour: upload (type from the bytes), serve, reorder, delete, all audited. */
describeEachBackend('product images (%s)', (backend) => {
  const {
    kit,
    uploads,
    product,
    upload,
    png: named,
  } = imageKit(backend, { IMAGE_UPLOAD_MAX_BYTES: String(maxBytes) });
  const png = (bytes: Buffer = tinyPng()) => named(bytes);
  const publicProduct = async (slug: string) => {
    const response = await kit.get(`/products/${slug}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Product;
  };
  /** A colour's images as the storefront shows them: photos first, then the drawing. */
  const shown = (list: { url: string; color: string }[], color: string) => {
    const urls = list.filter((i) => i.color === color).map((i) => i.url);
    const drawn = (url: string) => url.startsWith('/images/products/');
    return [...urls.filter((url) => !drawn(url)), ...urls.filter(drawn)];
  };

  it('stores a PNG re-encoded as renditions, serves them, and shows it on the product page at once', async () => {
    const { id, slug, colors } = await product();
    const color = colors[0] as string;
    const before = await publicProduct(slug); // now cached
    const bytes = tinyPng(2, 3);
    const response = await upload(
      id,
      { color: color.toUpperCase(), alt: 'Front view' },
      png(bytes),
    );
    expect(response.statusCode, response.body).toBe(201);
    const items = (response.json() as { items: Image[] }).items;
    const added = items.find((image) => image.alt === 'Front view') as Image;
    expect(added).toMatchObject({
      color,
      url: expect.stringMatching(/^\/images\/uploads\/[0-9a-f]{64}-2\.jpg$/),
      width: 2,
      height: 3,
      main: true,
      placeholder: expect.stringMatching(/^data:image\/webp;base64,/),
      srcset: { widths: [2], formats: ['avif', 'webp', 'jpg'] },
    });
    expect(added.url).toBe(`${added.srcset?.base}-2.jpg`);
    expect(added.position).toBe(Math.max(...items.map((i) => i.position)));

    const served = await kit.ctx.store.app.inject(added.url);
    expect(served.statusCode).toBe(200);
    expect(await sharp(served.rawPayload).metadata()).toMatchObject({
      format: 'jpeg',
      width: 2,
      height: 3,
    });
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const again = await kit.ctx.store.app.inject({
      url: added.url,
      headers: { 'if-none-match': String(served.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    for (const [format, type] of [
      ['avif', 'image/avif'],
      ['webp', 'image/webp'],
    ]) {
      const file = await kit.ctx.store.app.inject(`${added.srcset?.base}-2.${format}`);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe(type);
    }

    const after = await publicProduct(slug);
    expect(after.images).toHaveLength(before.images.length + 1);
    const { id: _id, position: _position, main: _main, ...publicImage } = added;
    // A colour's first photo comes before its drawing: it is the colour's main image.
    expect(after.images.find((i) => i.color === color)).toEqual(publicImage);

    // The same file again for the same colour is kept once.
    const repeat = await upload(id, { color }, png(bytes));
    expect(repeat.statusCode).toBe(200);
    expect((repeat.json() as { items: Image[] }).items).toHaveLength(items.length);

    const [entry] = (
      (
        await kit.get(`/admin/audit?target=product:${id}&action=product.image.add`, kit.admin())
      ).json() as {
        items: { after: { url: string; contentType: string; bytes: number } }[];
      }
    ).items;
    expect(entry?.after).toMatchObject({
      url: added.url,
      contentType: 'image/png',
      bytes: bytes.length,
      width: 2,
      height: 3,
    });
  });

  it('decides the type from the bytes: forged files are refused, a JPEG named .png is a JPEG', async () => {
    const { id, colors } = await product();
    const color = colors[0] as string;
    const forged = [
      Buffer.from('<!doctype html><script>alert(document.cookie)</script>'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ];
    for (const bytes of forged) {
      const response = await upload(id, { color }, png(bytes));
      expect(response.statusCode, response.body).toBe(415);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 415, code: 'unsupported_image_type' });
    }
    const jpeg = await upload(id, { color }, png(await photoJpeg()));
    expect(jpeg.statusCode, jpeg.body).toBe(201);
    const url = (jpeg.json() as { items: Image[] }).items.find((i) =>
      i.url.endsWith('-40.jpg'),
    )?.url;
    expect(url).toBeDefined();
    const served = await kit.ctx.store.app.inject(url as string);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(served.rawPayload).metadata()).width).toBe(40);
  });

  it('refuses a file over the size limit (413), a colour the product lacks (422), and bad forms (400)', async () => {
    const { id, colors } = await product();
    const big = Buffer.concat([tinyPng(), Buffer.alloc(maxBytes)]);
    const tooBig = await upload(id, { color: colors[0] as string }, png(big));
    expect(tooBig.statusCode, tooBig.body).toBe(413);
    expect(tooBig.json()).toMatchObject({ status: 413, code: 'image_too_large' });

    const wrongColor = await upload(id, { color: 'Plaid Chartreuse' }, png());
    expect(wrongColor.statusCode).toBe(422);
    expect(wrongColor.json()).toMatchObject({
      code: 'unknown_color',
      errors: [{ path: 'body.color' }],
    });

    expect((await upload(id, { color: colors[0] as string })).statusCode).toBe(400);
    expect((await upload(id, { color: colors[0] as string, extra: 'x' }, png())).statusCode).toBe(
      400,
    );
    const unknown = await upload('0190a2b4-0000-7000-8000-000000000000', { color: 'Black' }, png());
    expect(unknown.statusCode).toBe(404);
  });

  it('reorders one colour’s images and deletes one, each audited and shown at once', async () => {
    const { id, slug, colors } = await product();
    const color = colors[0] as string;
    await upload(id, { color }, png(tinyPng(1, 1, [1, 2, 3])));
    const second = await upload(id, { color }, png(tinyPng(1, 1, [4, 5, 6])));
    const images = (second.json() as { items: Image[] }).items;
    const ofColor = images.filter((i) => i.color === color).map((i) => i.id);
    expect(ofColor.length).toBeGreaterThanOrEqual(3);
    await publicProduct(slug); // cached

    const reversed = [...ofColor].reverse();
    const reorder = await kit.request(
      'PATCH',
      `/admin/products/${id}/images/order`,
      { color, imageIds: reversed },
      kit.admin(),
    );
    expect(reorder.statusCode, reorder.body).toBe(200);
    const reordered = (reorder.json() as { items: Image[] }).items;
    expect(reordered.filter((i) => i.color === color).map((i) => i.id)).toEqual(reversed);
    expect(reordered.map((i) => i.position)).toEqual(reordered.map((_, i) => i));
    expect(shown((await publicProduct(slug)).images, color)).toEqual(shown(reordered, color));

    const mismatch = await kit.request(
      'PATCH',
      `/admin/products/${id}/images/order`,
      { color, imageIds: reversed.slice(1) },
      kit.admin(),
    );
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json()).toMatchObject({ code: 'image_order_mismatch' });

    const doomed = reordered.find((i) => i.url.startsWith('/images/uploads/')) as Image;
    const removed = await kit.request(
      'DELETE',
      `/admin/products/${id}/images/${doomed.id}`,
      undefined,
      kit.admin(),
    );
    expect(removed.statusCode, removed.body).toBe(200);
    expect((removed.json() as { items: Image[] }).items.map((i) => i.id)).not.toContain(doomed.id);
    expect((await publicProduct(slug)).images.map((i) => i.url)).not.toContain(doomed.url);
    // Its file is gone once nothing uses it (removed after the commit).
    await expect
      .poll(async () => (await kit.ctx.store.app.inject(doomed.url)).statusCode)
      .toBe(404);
    expect(
      (
        await kit.request(
          'DELETE',
          `/admin/products/${id}/images/${doomed.id}`,
          undefined,
          kit.admin(),
        )
      ).statusCode,
    ).toBe(404);

    const actions = (
      (await kit.get(`/admin/audit?target=product:${id}&limit=20`, kit.admin())).json() as {
        items: { action: string }[];
      }
    ).items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'product.image.add',
        'product.image.reorder',
        'product.image.delete',
      ]),
    );
  });

  it('answers a cut-off upload with 400 malformed_multipart and stores nothing', async () => {
    const { id, colors } = await product();
    const color = colors[0] as string;
    const imageRows = () =>
      kit.count(sql`SELECT count(*)::int AS n FROM product_images WHERE product_id = ${id}::uuid`);
    const files = async () => (await readdir(uploads).catch(() => [])).length;
    const before = { rows: await imageRows(), files: await files() };
    const whole = form({ color }, png(tinyPng(3, 3, [9, 9, 9])));
    // Cut inside the file, and cut after it (the closing boundary never comes).
    for (const end of [whole.payload.length - 60, whole.payload.length - 10]) {
      const response = await kit.ctx.store.app.inject({
        method: 'POST',
        url: `/api/v1/admin/products/${id}/images`,
        payload: whole.payload.subarray(0, end),
        headers: { ...kit.admin(), ...whole.headers },
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 400, code: 'malformed_multipart' });
    }
    expect({ rows: await imageRows(), files: await files() }).toEqual(before);
  });

  it('announces every change of a product’s images in the outbox, with the change', async () => {
    const { id, colors } = await product();
    const color = colors[0] as string;
    const events = () =>
      queryRows<{
        payload: { productId: string; change: string; color: string; imageIds: string[] };
      }>(
        kit.ctx.store.adapters.database.db,
        sql`SELECT payload FROM outbox WHERE type = 'product_images_changed'
            AND payload->>'productId' = ${id} ORDER BY occurred_at, id`,
      );
    const uploaded = await upload(id, { color }, png(tinyPng(2, 2, [7, 7, 7])));
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const items = (uploaded.json() as { items: Image[] }).items;
    const added = items.find((i) => i.url.startsWith('/images/uploads/')) as Image;
    expect((await events()).map((e) => e.payload)).toEqual([
      { productId: id, slug: expect.any(String), change: 'added', color, imageIds: [added.id] },
    ]);
    const order = items
      .filter((i) => i.color === color)
      .map((i) => i.id)
      .reverse();
    await kit.request(
      'PATCH',
      `/admin/products/${id}/images/order`,
      { color, imageIds: order },
      kit.admin(),
    );
    await kit.request('DELETE', `/admin/products/${id}/images/${added.id}`, undefined, kit.admin());
    expect((await events()).map((e) => [e.payload.change, e.payload.imageIds])).toEqual([
      ['added', [added.id]],
      ['reordered', order],
      ['removed', [added.id]],
    ]);
  });

  it('answers 401 without a token and 403 to a customer', async () => {
    const { id, colors } = await product();
    const customer = await kit.register();
    const imageId = '0190a2b4-0000-7000-8000-000000000000';
    for (const headers of [{}, customer.headers]) {
      const status = headers === customer.headers ? 403 : 401;
      expect((await upload(id, { color: colors[0] as string }, png(), headers)).statusCode).toBe(
        status,
      );
      expect((await kit.get(`/admin/products/${id}/images`, headers)).statusCode).toBe(status);
      expect(
        (
          await kit.request(
            'PATCH',
            `/admin/products/${id}/images/order`,
            { color: 'x', imageIds: [imageId] },
            headers,
          )
        ).statusCode,
      ).toBe(status);
      expect(
        (await kit.request('DELETE', `/admin/products/${id}/images/${imageId}`, undefined, headers))
          .statusCode,
      ).toBe(status);
    }
  });
});
