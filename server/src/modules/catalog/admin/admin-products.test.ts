import type { Logger } from 'pino';
import { expect, it } from 'vitest';
import type { Cache } from '../../../platform/cache/port.js';
import { anonymous } from '../../../platform/context.js';
import { describeEachBackend, silentLogger } from '../../../../test/harness.js';
import type { PlacedOrder } from '../../../../test/kits/checkout.js';
import type { AdminProduct, AdminProductListItem, ProductCreateInput } from './admin-schemas.js';
import { adminCatalogKit } from './admin-test-kit.js';
import { inventoryModule } from '../../inventory/index.js';
import { catalogModule } from '../module.js';
import type { Product } from '../schemas.js';

/**
 * The store team's product API: who may call it, what it refuses, and that every write reaches the
 * storefront (listing, facets, search, product page) at once, with its audit entry and its event.
 */
describeEachBackend('admin products (%s)', (backend) => {
  const kit = adminCatalogKit(backend);
  const { unique, create, productBody, listing, count, audit, outbox } = kit;
  const admin = () => kit.admin();

  it('answers 401 without a token and 403 to a customer on every new endpoint', async () => {
    const customer = await kit.register();
    const id = '0190a2b4-0000-7000-8000-000000000000';
    const calls: ['GET' | 'POST' | 'PATCH', string, unknown?][] = [
      ['GET', '/admin/products'],
      ['POST', '/admin/products', productBody()],
      ['PATCH', `/admin/products/${id}`, { name: 'X' }],
      ['POST', `/admin/products/${id}/archive`],
      ['POST', `/admin/products/${id}/restore`],
      ['POST', `/admin/products/${id}/variants`, { sku: 'X-1', size: 'S', color: 'Red', price: 1 }],
      ['PATCH', `/admin/variants/${id}`, { price: 100 }],
      ['POST', '/admin/categories', { slug: 'x', name: 'X' }],
      ['PATCH', `/admin/categories/${id}`, { name: 'X' }],
    ];
    for (const [method, url, body] of calls) {
      expect((await kit.request(method, url, body)).statusCode, `${method} ${url}`).toBe(401);
      const forbidden = await kit.request(method, url, body, customer.headers);
      expect(forbidden.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('refuses bad bodies and unknown fields with 400 and the fields at fault', async () => {
    const bad = async (method: 'POST' | 'PATCH' | 'GET', url: string, body?: unknown) => {
      const response = await kit.request(method, url, body, admin());
      expect(response.statusCode, response.body).toBe(400);
      const problem = response.json() as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('validation_failed');
      return problem.errors.map((e) => e.path);
    };
    expect(await bad('POST', '/admin/products', productBody({ name: '', price: 1.5 }))).toEqual(
      expect.arrayContaining(['body.name', 'body.price']),
    );
    expect(await bad('POST', '/admin/products', productBody({ featured: true }))).toHaveLength(1);
    expect(await bad('POST', '/admin/products', productBody({ compareAtPrice: 100 }))).toEqual([
      'body.compareAtPrice',
    ]);
    expect(await bad('POST', '/admin/products', productBody({ colors: ['Red, White'] }))).toEqual([
      'body.colors.0',
    ]);
    // The rules the catalog CSV shares: no control characters (a description keeps line breaks).
    expect(
      await bad(
        'POST',
        '/admin/products',
        productBody({ name: 'Bell\u0007Tee', description: 'Soft.\nLight.\u001b' }),
      ),
    ).toEqual(['body.name', 'body.description']);
    expect(await bad('POST', '/admin/products', productBody({ category: 'no-such' }))).toEqual([
      'body.category',
    ]);
    const product = await create();
    expect(
      await bad('PATCH', `/admin/products/${product.id}`, { status: 'archived' }),
    ).toHaveLength(1);
    expect(await bad('PATCH', `/admin/products/${product.id}`, {})).toHaveLength(1);
    expect(await bad('PATCH', `/admin/products/${product.id}`, { colors: ['Black'] })).toEqual([
      'body.colors',
    ]);
    const variantId = product.variants[0]!.id;
    expect(await bad('PATCH', `/admin/variants/${variantId}`, { onHand: 3 })).toHaveLength(1);
    expect(await bad('POST', '/admin/categories', { slug: 'Not A Slug', name: 'X' })).toEqual([
      'body.slug',
    ]);
    expect(await bad('GET', '/admin/products?stock=plenty')).toEqual(['query.stock']);
  });

  it('creates a product the storefront lists, counts in its facets and finds at once', async () => {
    const color = `Zircon ${unique()}`;
    const before = await listing('category=running-tops');
    const product = await create({ name: 'Aurora Trail Shell', colors: ['Black', color] });
    expect(product).toMatchObject({
      slug: expect.stringMatching(/^aurora-trail-shell(-\d+)?$/),
      status: 'active',
      category: 'running-tops',
      price: { amount: 12_900, currency: 'USD' },
      colors: ['Black', color],
      sizes: ['S', 'M'],
    });
    expect(product.variants).toHaveLength(4);
    expect(product.variants[0]).toMatchObject({ sku: expect.any(String), onHand: 4 });

    const after = await listing('category=running-tops');
    expect(after.total).toBe(before.total + 1);
    for (const size of ['S', 'M'])
      expect(count(after.facets.size, size)).toBe(count(before.facets.size, size) + 1);
    expect(count(after.facets.color, color)).toBe(1);
    expect(count(after.facets.gender, 'women')).toBe(count(before.facets.gender, 'women') + 1);
    expect(count(after.facets.category, 'running-tops')).toBe(
      count(before.facets.category, 'running-tops') + 1,
    );
    const byColor = await listing(`color=${encodeURIComponent(color)}&inStock=true`);
    expect(byColor.items.map((i) => i.slug)).toEqual([product.slug]);
    expect((await listing('q=aurora')).items.map((i) => i.slug)).toContain(product.slug);
    const page = (await kit.get(`/products/${product.slug}`)).json() as Product;
    expect(page.variants.map((v) => v.available)).toEqual([4, 4, 4, 4]);
    expect(page.images.map((i) => i.color)).toEqual(['Black', color]);
    expect((await kit.ctx.store.app.inject(page.images[1]!.url)).statusCode).toBe(200);

    // The same name again: the derived slug takes the next free suffix.
    const twin = await create({ name: 'Aurora Trail Shell', colors: ['Black'], sizes: ['L'] });
    expect(twin.slug).not.toBe(product.slug);
    expect(twin.slug).toMatch(/^aurora-trail-shell-\d+$/);

    expect((await audit(`product:${product.id}`))[0]).toMatchObject({
      action: 'product.create',
      before: null,
      after: { slug: product.slug, price: 12_900, colors: ['Black', color] },
    });
    expect(await outbox('product_created', product.id)).toBe(1);
  });

  it('creates the variants it is given, each priced or at the product price', async () => {
    const sku = `AUR-${unique()}`.toUpperCase();
    const product = await create({
      colors: undefined,
      sizes: undefined,
      onHand: undefined,
      price: 10_000,
      compareAtPrice: 12_000,
      variants: [
        { sku: `${sku}-M`, size: 'M', color: 'Black', onHand: 2 },
        { sku: `${sku}-XL`, size: 'XL', color: 'Black', price: 9_000, onHand: 0 },
      ],
    });
    expect(product.colors).toEqual(['Black']);
    expect(product.sizes).toEqual(['M', 'XL']);
    expect(product.price).toEqual({ amount: 9_000, currency: 'USD' });
    expect(product.compareAtPrice).toBeUndefined();
    expect(product.variants.map((v) => [v.sku, v.price.amount, v.compareAtPrice?.amount])).toEqual([
      [`${sku}-M`, 10_000, 12_000],
      [`${sku}-XL`, 9_000, undefined],
    ]);
  });

  it('answers 409 for a slug or a SKU in use, and writes nothing', async () => {
    const product = await create();
    const slugTaken = await kit.post(
      '/admin/products',
      productBody({ slug: product.slug }),
      admin(),
    );
    expect(slugTaken.statusCode).toBe(409);
    expect(slugTaken.json()).toMatchObject({ code: 'slug_taken' });

    const name = `Copy ${unique()}`;
    const skuTaken = await kit.post(
      '/admin/products',
      productBody({
        name,
        colors: undefined,
        sizes: undefined,
        onHand: undefined,
        variants: [{ sku: product.variants[0]!.sku, size: 'S', color: 'Black' }],
      }),
      admin(),
    );
    expect(skuTaken.statusCode).toBe(409);
    expect(skuTaken.json()).toMatchObject({ code: 'sku_taken', skus: [product.variants[0]!.sku] });
    const found = (await kit.get(`/admin/products?q=${encodeURIComponent(name)}`, admin())).json();
    expect(found.items).toEqual([]);

    const variant = await kit.post(
      `/admin/products/${product.id}/variants`,
      { sku: product.variants[1]!.sku, size: 'XL', color: 'Black', price: 100 },
      admin(),
    );
    expect(variant.statusCode).toBe(409);
    expect(variant.json()).toMatchObject({ code: 'sku_taken' });
    const renamed = await kit.request(
      'PATCH',
      `/admin/products/${product.id}`,
      { slug: (await create()).slug },
      admin(),
    );
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json()).toMatchObject({ code: 'slug_taken' });
  });

  it('reprices every variant; the listing and product page show it at once', async () => {
    const product = await create();
    const url = `/products/${product.slug}`;
    await kit.get(url);
    expect((await kit.get(url)).headers['x-cache']).toBe('hit');
    const query = `q=${encodeURIComponent(product.name)}`;
    await listing(query);

    const patch = (body: unknown) =>
      kit.request('PATCH', `/admin/products/${product.id}`, body, admin());
    const repriced = await patch({ price: 9_900, compareAtPrice: 12_900 });
    expect(repriced.statusCode, repriced.body).toBe(200);
    expect((repriced.json() as AdminProduct).variants.map((v) => v.price.amount)).toEqual([
      9_900, 9_900, 9_900, 9_900,
    ]);
    const page = (await kit.get(url)).json() as Product;
    expect(page.price).toEqual({ amount: 9_900, currency: 'USD' });
    expect(page.compareAtPrice).toEqual({ amount: 12_900, currency: 'USD' });
    expect(page.variants.every((v) => v.price.amount === 9_900)).toBe(true);
    const item = (await listing(query)).items.find((i) => i.id === product.id);
    expect(item?.price.amount).toBe(9_900);

    // A price at or above the markdown's compare-at price must end or raise the markdown.
    const above = await patch({ price: 13_000 });
    expect(above.statusCode).toBe(400);
    expect(above.json()).toMatchObject({ errors: [{ path: 'body.compareAtPrice' }] });
    expect((await patch({ price: 13_000, compareAtPrice: null })).statusCode).toBe(200);
    expect(((await kit.get(url)).json() as Product).compareAtPrice).toBeUndefined();

    const entries = await audit(`product:${product.id}`);
    expect(entries[0]).toMatchObject({
      action: 'product.update',
      before: { price: 9_900, compareAtPrice: 12_900 },
      after: { price: 13_000, compareAtPrice: null },
    });
    expect(await outbox('product_updated', product.id)).toBe(2);
  });

  it('renames, moves and reorders a product; a new slug moves its page and images', async () => {
    const product = await create();
    const slug = `renamed-${unique()}`;
    const response = await kit.request(
      'PATCH',
      `/admin/products/${product.id}`,
      {
        name: 'Renamed Shell',
        slug,
        category: 'training',
        gender: 'unisex',
        colors: product.colors.toReversed(),
      },
      admin(),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect((await kit.get(`/products/${product.slug}`)).statusCode).toBe(404);
    const page = (await kit.get(`/products/${slug}`)).json() as Product;
    expect(page).toMatchObject({
      name: 'Renamed Shell',
      gender: 'unisex',
      colors: product.colors.toReversed(),
    });
    expect(page.category.slug).toBe('training');
    expect((await kit.ctx.store.app.inject(page.images[0]!.url)).statusCode).toBe(200);
    expect(
      (await listing('category=training&gender=unisex&q=renamed')).items.map((i) => i.id),
    ).toContain(product.id);
  });

  it('archives off the storefront at once and restores; orders keep their lines', async () => {
    const product = await create();
    const variant = product.variants[0]!;
    const cartId = await kit.cartWith([{ variantId: variant.id, quantity: 1 }]);
    const placed = await kit.placeOrder(cartId);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json() as PlacedOrder;
    const query = `q=${encodeURIComponent(product.name)}`;
    const inListing = async () => (await listing(query)).items.some((i) => i.id === product.id);
    const inCategory = async () => (await listing('category=running&limit=100')).total;
    expect(await inListing()).toBe(true);
    expect((await kit.get(`/products/${product.slug}`)).statusCode).toBe(200);
    const listedBefore = await inCategory();
    // A bag filled before the archive, checked out after it.
    const heldCart = await kit.cartWith([{ variantId: variant.id, quantity: 1 }]);

    for (let i = 0; i < 2; i++) {
      const archived = await kit.post(`/admin/products/${product.id}/archive`, undefined, admin());
      expect(archived.statusCode, archived.body).toBe(200);
      expect((archived.json() as AdminProduct).status).toBe('archived');
    }
    expect(await inListing()).toBe(false);
    expect(await inCategory()).toBe(listedBefore - 1);
    const gone = await kit.get(`/products/${product.slug}`);
    expect(gone.statusCode).toBe(404);
    // It can no longer be bought: not added to a bag, not checked out of one that holds it.
    const bag = (await kit.post('/carts')).json() as { id: string };
    const added = await kit.post(`/carts/${bag.id}/items`, { variantId: variant.id, quantity: 1 });
    expect(added.statusCode, added.body).toBe(422);
    expect(added.json()).toMatchObject({ code: 'item_unavailable', variantId: variant.id });
    const checkout = await kit.placeOrder(heldCart);
    expect(checkout.statusCode, checkout.body).toBe(422);
    expect(checkout.json()).toMatchObject({ code: 'item_unavailable', variantIds: [variant.id] });
    const held = await kit.get(`/orders/${order.id}?token=${order.accessToken}`);
    expect(held.statusCode).toBe(200);
    expect(held.json()).toMatchObject({ items: [{ sku: variant.sku, quantity: 1 }] });
    const archivedList = (
      await kit.get(
        `/admin/products?status=archived&q=${encodeURIComponent(product.name)}`,
        admin(),
      )
    ).json() as { items: AdminProductListItem[] };
    expect(archivedList.items.map((i) => i.id)).toEqual([product.id]);

    const restored = await kit.post(`/admin/products/${product.id}/restore`, undefined, admin());
    expect((restored.json() as AdminProduct).status).toBe('active');
    expect(await inListing()).toBe(true);
    expect((await kit.get(`/products/${product.slug}`)).statusCode).toBe(200);

    const entries = await audit(`product:${product.id}`);
    expect(entries.map((e) => e.action)).toEqual([
      'product.restore',
      'product.archive',
      'product.create',
    ]);
    expect(entries[1]).toMatchObject({
      before: { status: 'active' },
      after: { status: 'archived' },
    });
    expect(await outbox('product_archived', product.id)).toBe(1);
    expect(await outbox('product_restored', product.id)).toBe(1);
  });

  it('answers a lost race for a slug with 409 slug_taken, not a generic conflict', async () => {
    const [first, second] = [await create(), await create()];
    const slug = `raced-${unique()}`;
    const { catalogAdmin } = kit.ctx.store.services;
    const lost = await kit.race(
      (tx) => catalogAdmin.update(tx, first.id, { slug }),
      () => kit.request('PATCH', `/admin/products/${second.id}`, { slug }, admin()),
    );
    expect(lost.statusCode, lost.body).toBe(409);
    expect(lost.json()).toMatchObject({ code: 'slug_taken', slug });
    expect(((await kit.get(`/products/${slug}`)).json() as Product).id).toBe(first.id);
  });

  it('logs a cache retirement that failed after a committed change', async () => {
    const warnings: unknown[] = [];
    const logger = Object.assign(Object.create(silentLogger) as Logger, {
      warn: (...args: unknown[]) => void warnings.push(args),
    });
    const unreachable = new Proxy({} as Cache, {
      get: (_target, name) =>
        name === 'kind' ? 'memory' : () => Promise.reject(new Error('cache unreachable')),
    });
    const platform = {
      config: kit.ctx.store.config,
      adapters: { ...kit.ctx.store.adapters, cache: unreachable },
      logger,
    };
    const { catalogAdmin } = catalogModule.createServices(
      platform,
      inventoryModule.createServices(platform, {}),
    );
    const created = await catalogAdmin.create(anonymous, {
      ...(productBody() as ProductCreateInput),
      slug: `logged-${unique()}`,
    });
    expect(created.status).toBe('active');
    expect(warnings).toEqual([
      [{ err: expect.objectContaining({ message: 'cache unreachable' }) }, expect.any(String)],
    ]);
  });
});
