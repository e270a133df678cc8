import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../../platform/db/index.js';
import { describeEachBackend } from '../../../../test/harness.js';
import type { AdminProduct, AdminProductListItem } from './admin-schemas.js';
import { adminCatalogKit } from './admin-test-kit.js';
import type { Product } from '../schemas.js';

/** Variants as the store team adds and changes them, and the admin product list. */
describeEachBackend('admin variants and product list (%s)', (backend) => {
  const kit = adminCatalogKit(backend);
  const { unique, create, listing, audit } = kit;
  const admin = () => kit.admin();

  it('adds and changes variants; size and colour stay once an order holds one', async () => {
    const product = await create();
    const sku = `AUR-${unique()}`.toUpperCase();
    const added = await kit.post(
      `/admin/products/${product.id}/variants`,
      { sku, size: 'XL', color: 'Copper', price: 8_900, onHand: 2 },
      admin(),
    );
    expect(added.statusCode, added.body).toBe(201);
    const withCopper = added.json() as AdminProduct;
    expect(withCopper).toMatchObject({
      colors: ['Black', 'Zircon Mist', 'Copper'],
      sizes: ['S', 'M', 'XL'],
    });
    expect(withCopper.price.amount).toBe(8_900);
    const copper = withCopper.variants.find((v) => v.sku === sku)!;
    expect(copper).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    const shown = (await listing(`color=Copper&size=XL&q=${encodeURIComponent(product.name)}`))
      .items;
    expect(shown.map((i) => i.id)).toEqual([product.id]);

    const again = await kit.post(
      `/admin/products/${product.id}/variants`,
      { sku: `${sku}-2`, size: 'XL', color: 'Copper', price: 8_900 },
      admin(),
    );
    expect(again.json()).toMatchObject({ status: 409, code: 'variant_exists' });

    const patchVariant = (id: string, body: unknown) =>
      kit.request('PATCH', `/admin/variants/${id}`, body, admin());
    const moved = await patchVariant(copper.id, { size: 'L', price: 9_500, sku: `${sku}-L` });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as AdminProduct).sizes).toEqual(['S', 'M', 'L']);
    const page = (await kit.get(`/products/${product.slug}`)).json() as Product;
    expect(page.variants.find((v) => v.id === copper.id)).toMatchObject({
      size: 'L',
      sku: `${sku}-L`,
    });

    const cartId = await kit.cartWith([{ variantId: copper.id, quantity: 1 }]);
    expect((await kit.placeOrder(cartId)).statusCode).toBe(201);
    const held = await patchVariant(copper.id, { color: 'Rust' });
    expect(held.json()).toMatchObject({ status: 409, code: 'variant_in_use' });
    expect((await patchVariant(copper.id, { price: 9_000 })).statusCode).toBe(200);
    const taken = await patchVariant(copper.id, { sku: product.variants[0]!.sku });
    expect(taken.json()).toMatchObject({ status: 409, code: 'sku_taken' });

    const entries = await audit(`variant:${copper.id}`);
    expect(entries.map((e) => e.action)).toEqual([
      'variant.update',
      'variant.update',
      'variant.create',
    ]);
    expect(entries[0]).toMatchObject({ before: { price: 9_500 }, after: { price: 9_000 } });
    expect(entries[2]).toMatchObject({ before: null, after: { sku, size: 'XL', color: 'Copper' } });
  });

  it('lists products by search, status, category and stock state, page by page', async () => {
    const tag = unique();
    const out = await create({ name: `Stock ${tag} Out`, onHand: 0 });
    const low = await create({ name: `Stock ${tag} Low`, onHand: 2 });
    const plenty = await create({ name: `Stock ${tag} Plenty`, onHand: 50, category: 'training' });
    const list = async (query: string) => {
      const response = await kit.get(`/admin/products?q=stock%20${tag}&${query}`, admin());
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { items: AdminProductListItem[]; nextCursor: string | null };
    };
    const ids = async (query: string) => (await list(query)).items.map((i) => i.id);
    expect(await ids('')).toEqual([plenty.id, low.id, out.id]);
    expect(await ids('stock=out')).toEqual([out.id]);
    expect(await ids('stock=low')).toEqual([low.id]);
    expect(await ids('stock=in_stock')).toEqual([plenty.id]);
    expect(await ids('category=running')).toEqual([low.id, out.id]);
    expect((await list('')).items[0]).toMatchObject({
      slug: plenty.slug,
      status: 'active',
      category: { slug: 'training' },
      price: { amount: 12_900 },
      variantCount: 4,
      unitsOnHand: 200,
      unitsAvailable: 200,
      stock: 'in_stock',
    });
    const bySku = (await kit.get(`/admin/products?q=${low.variants[2]!.sku}`, admin())).json();
    expect(bySku.items.map((i: AdminProductListItem) => i.id)).toEqual([low.id]);

    const first = await list('limit=2');
    expect(first.items.map((i) => i.id)).toEqual([plenty.id, low.id]);
    const second = await list(`limit=2&cursor=${first.nextCursor}`);
    expect(second).toEqual({ items: [expect.objectContaining({ id: out.id })], nextCursor: null });
  });

  it('stores what it announces: the product row follows its variants', async () => {
    const product = await create({ price: 5_000 });
    const [row] = await queryRows<{ search_keywords: string }>(
      kit.ctx.store.adapters.database.db,
      sql`SELECT search_keywords FROM products WHERE id = ${product.id}::uuid`,
    );
    expect(row?.search_keywords).toBe('Running Tops Running women Black Zircon Mist');
  });

  it('answers a lost race for a SKU with 409 sku_taken, not a generic conflict', async () => {
    const [first, second] = [await create(), await create()];
    const sku = `RACED-${unique()}`.toUpperCase();
    const { catalogAdmin } = kit.ctx.store.services;
    const lost = await kit.race(
      (tx) => catalogAdmin.updateVariant(tx, first.variants[0]!.id, { sku }),
      () => kit.request('PATCH', `/admin/variants/${second.variants[0]!.id}`, { sku }, admin()),
    );
    expect(lost.statusCode, lost.body).toBe(409);
    expect(lost.json()).toMatchObject({ code: 'sku_taken', skus: [sku] });
  });
});
