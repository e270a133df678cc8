import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { anonymous } from '../../../platform/context.js';
import { queryRows } from '../../../platform/db/index.js';
import { describeEachBackend } from '../../../../test/harness.js';
import { tinyPng } from '../../../../test/image-fixtures.js';
import { imageKit, type Image } from './image-test-kit.js';
import type { Product, ProductList } from '../schemas.js';

/**
 * The store team chooses each colour's main image; until it does, the colour's first photo is
 * shown before the drawn illustration, on the product page, the product's card and a bag line.
 */
describeEachBackend('a colour’s main image (%s)', (backend) => {
  const { kit, product, upload, png } = imageKit(backend);
  const items = (body: string) => (JSON.parse(body) as { items: Image[] }).items;
  const setMain = (
    productId: string,
    imageId: string,
    headers: Record<string, string> = kit.admin(),
  ) =>
    kit.ctx.store.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/products/${productId}/images/${imageId}/main`,
      headers,
    });
  /** What the storefront shows first for a colour, and the product's card image. */
  async function shown(slug: string, color: string) {
    const page = (await kit.get(`/products/${slug}`)).json() as Product;
    const list = (
      await kit.get(`/products?category=${page.category.slug}&limit=100`)
    ).json() as ProductList;
    return {
      first: page.images.find((i) => i.color === color)?.url,
      card: list.items.find((p) => p.slug === slug)?.image?.url,
    };
  }

  it('shows a colour’s first photo before its drawing, until the team picks another main', async () => {
    const { id, slug, colors } = await product();
    const color = colors[0] as string;
    const drawing = items((await kit.get(`/admin/products/${id}/images`, kit.admin())).body).find(
      (i) => i.color === color,
    ) as Image;
    expect(drawing).toMatchObject({
      main: true,
      url: expect.stringContaining('/images/products/'),
    });
    expect(await shown(slug, color)).toEqual({ first: drawing.url, card: drawing.url });

    const first = await upload(id, { color }, png(tinyPng(4, 5, [10, 20, 30])));
    expect(first.statusCode, first.body).toBe(201);
    const photo = items(first.body).find((i) => i.url.startsWith('/images/uploads/')) as Image;
    expect(photo.main).toBe(true);
    expect(items(first.body).find((i) => i.id === drawing.id)?.main).toBe(false);
    expect(await shown(slug, color)).toEqual({ first: photo.url, card: photo.url });

    const second = items((await upload(id, { color }, png(tinyPng(4, 5, [40, 50, 60])))).body).find(
      (i) => i.url.startsWith('/images/uploads/') && i.id !== photo.id,
    ) as Image;
    expect(second.main).toBe(false);
    expect((await shown(slug, color)).first).toBe(photo.url);

    // The team picks the second photo, then the drawing: each is shown first at once.
    const picked = await setMain(id, second.id);
    expect(picked.statusCode, picked.body).toBe(200);
    expect(items(picked.body).filter((i) => i.color === color && i.main)).toEqual([
      expect.objectContaining({ id: second.id }),
    ]);
    expect(await shown(slug, color)).toEqual({ first: second.url, card: second.url });
    expect((await setMain(id, drawing.id)).statusCode).toBe(200);
    expect(await shown(slug, color)).toEqual({ first: drawing.url, card: drawing.url });

    // A bag line in that colour shows the main image too.
    const [variant] = await queryRows<{ id: string }>(
      kit.ctx.store.adapters.database.db,
      sql`SELECT id FROM variants WHERE product_id = ${id}::uuid AND color = ${color} LIMIT 1`,
    );
    await kit.ctx.store.services.inventory.setOnHand(anonymous, variant?.id as string, 5);
    const cartId = await kit.cartWith([{ variantId: variant?.id as string, quantity: 1 }]);
    await setMain(id, second.id);
    const cart = (await kit.get(`/carts/${cartId}`)).json() as {
      items: { image: { url: string } | null }[];
    };
    expect(cart.items[0]?.image?.url).toBe(`${second.srcset?.base}-4.jpg`);

    // Choosing the main image again changes nothing and records nothing.
    const audit = async () =>
      (
        (
          await kit.get(`/admin/audit?target=product:${id}&action=product.image.main`, kit.admin())
        ).json() as { items: { before: unknown; after: unknown }[] }
      ).items;
    const entries = (await audit()).length;
    expect((await setMain(id, second.id)).statusCode).toBe(200);
    expect(await audit()).toHaveLength(entries);
    expect((await audit())[0]).toMatchObject({
      before: { color, imageId: drawing.id },
      after: { color, imageId: second.id },
    });
    const events = await queryRows<{ payload: { change: string; imageIds: string[] } }>(
      kit.ctx.store.adapters.database.db,
      sql`SELECT payload FROM outbox WHERE type = 'product_images_changed'
          AND payload->>'productId' = ${id} AND payload->>'change' = 'main' ORDER BY occurred_at, id`,
    );
    expect(events.map((e) => e.payload.imageIds)).toEqual([[second.id], [drawing.id], [second.id]]);
  });

  it('keeps other colours as they are, and refuses an image of another product', async () => {
    const { id, slug, colors } = await product();
    const other = await product();
    const [color, second] = colors as [string, string];
    const photo = items((await upload(id, { color: second }, png(tinyPng(3, 3)))).body).find((i) =>
      i.url.startsWith('/images/uploads/'),
    ) as Image;
    const before = await shown(slug, color);
    expect((await setMain(id, photo.id)).statusCode).toBe(200);
    expect(await shown(slug, color)).toEqual(before);
    expect((await shown(slug, second)).first).toBe(photo.url);
    expect((await setMain(other.id, photo.id)).statusCode).toBe(404);
    const customer = await kit.register();
    expect((await setMain(id, photo.id, {})).statusCode).toBe(401);
    expect((await setMain(id, photo.id, customer.headers)).statusCode).toBe(403);
  });
});
