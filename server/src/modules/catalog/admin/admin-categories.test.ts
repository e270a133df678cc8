import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../platform/bus/memory.js';
import { anonymous } from '../../../platform/context.js';
import { describeEachBackend, eventually } from '../../../../test/harness.js';
import { checkoutKit } from '../../../../test/kits/checkout.js';
import type { AdminCategory, AdminProduct } from './admin-schemas.js';
import { startCatalogConsumers } from '../consumers.js';
import {
  categoryChanged,
  productArchived,
  productCreated,
  productImagesChanged,
  productRestored,
  productUpdated,
} from '../events.js';
import { listProductsQuery, type CategoryNode, type ProductList } from '../schemas.js';
import { createCatalogService, type CatalogService } from '../listing/service.js';

/**
 * The category tree as the store team changes it: created, renamed and moved categories show in
 * the tree, in listings by category (descendants included), in facets and in search at once, in
 * this process and in any other; a move into its own subtree is refused.
 */
describeEachBackend('admin categories (%s)', (backend) => {
  const kit = checkoutKit(backend);
  const tag = randomBytes(3).toString('hex');
  const slugOf = (name: string) => `${name}-${tag}`;
  const admin = () => kit.admin();

  const createCategory = async (body: Record<string, unknown>) => {
    const response = await kit.post('/admin/categories', body, admin());
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as AdminCategory;
  };
  const patchCategory = (id: string, body: unknown) =>
    kit.request('PATCH', `/admin/categories/${id}`, body, admin());
  const tree = async () => {
    const flat = new Map<string, CategoryNode>();
    const walk = (nodes: CategoryNode[]) =>
      nodes.forEach((node) => {
        flat.set(node.slug, node);
        walk(node.children);
      });
    walk(((await kit.get('/categories')).json() as { items: CategoryNode[] }).items);
    return flat;
  };
  const listing = async (query: string) => {
    const response = await kit.get(`/products?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ProductList;
  };
  const idsIn = async (category: string) =>
    (await listing(`category=${category}`)).items.map((i) => i.id);

  it('creates, renames and moves categories; tree, listings, facets and search follow', async () => {
    const trail = await createCategory({ slug: slugOf('trail'), name: 'Trail' });
    expect(trail).toMatchObject({ parentId: null, name: 'Trail' });
    const shoes = await createCategory({
      slug: slugOf('trail-shoes'),
      name: 'Trail Shoes',
      parent: trail.slug,
    });
    expect(shoes.parentId).toBe(trail.id);
    expect((await tree()).get(trail.slug)?.children.map((c) => c.slug)).toEqual([shoes.slug]);

    const created = await kit.post(
      '/admin/products',
      {
        name: `Ridge Runner ${tag}`,
        gender: 'men',
        category: shoes.id,
        price: 14_000,
        colors: ['Slate'],
        sizes: ['42', '43'],
        onHand: 3,
      },
      admin(),
    );
    expect(created.statusCode, created.body).toBe(201);
    const product = created.json() as AdminProduct;
    expect(await idsIn(trail.slug)).toEqual([product.id]);

    // Rename: slug and name. The facet's label and the search words follow.
    const renamed = await patchCategory(shoes.id, {
      slug: slugOf('fell-runners'),
      name: 'Fell Runners',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const fell = renamed.json() as AdminCategory;
    expect((await tree()).get(fell.slug)).toMatchObject({ name: 'Fell Runners' });
    expect((await tree()).has(shoes.slug)).toBe(false);
    expect(await idsIn(fell.slug)).toEqual([product.id]);
    expect(await idsIn(shoes.slug)).toEqual([]);
    const facets = (await listing(`q=${encodeURIComponent(`ridge runner ${tag}`)}`)).facets;
    expect(facets.category).toContainEqual({ value: fell.slug, label: 'Fell Runners', count: 1 });
    expect((await listing('q=fell')).items.map((i) => i.id)).toContain(product.id);
    const page = (await kit.get(`/products/${product.slug}`)).json() as {
      category: { slug: string; name: string };
    };
    expect(page.category).toEqual({ id: shoes.id, slug: fell.slug, name: 'Fell Runners' });

    // Move under another top-level category: listings by either parent follow at once.
    const outdoor = await createCategory({ slug: slugOf('outdoor'), name: 'Outdoor' });
    const moved = await patchCategory(shoes.id, { parent: outdoor.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as AdminCategory).parentId).toBe(outdoor.id);
    expect(await idsIn(outdoor.slug)).toEqual([product.id]);
    expect(await idsIn(trail.slug)).toEqual([]);
    const nodes = await tree();
    expect(nodes.get(outdoor.slug)?.children.map((c) => c.slug)).toEqual([fell.slug]);
    expect(nodes.get(trail.slug)?.children).toEqual([]);

    // Back to the top level.
    expect((await patchCategory(shoes.id, { parent: null })).json()).toMatchObject({
      parentId: null,
    });
    expect(await idsIn(outdoor.slug)).toEqual([]);
    expect(await idsIn(fell.slug)).toEqual([product.id]);

    const audit = (
      (await kit.get(`/admin/audit?target=category:${shoes.id}`, admin())).json() as {
        items: { action: string; before: unknown; after: unknown }[];
      }
    ).items;
    expect(audit.map((e) => e.action)).toEqual([
      'category.update',
      'category.update',
      'category.update',
      'category.create',
    ]);
    expect(audit[2]).toMatchObject({
      before: { slug: shoes.slug, name: 'Trail Shoes', parentId: trail.id },
      after: { slug: fell.slug, name: 'Fell Runners', parentId: trail.id },
    });
    expect(audit[1]).toMatchObject({
      before: { parentId: trail.id },
      after: { parentId: outdoor.id },
    });
  });

  it('refuses a move into its own subtree, a slug in use and an unknown parent', async () => {
    const top = await createCategory({ slug: slugOf('top'), name: 'Top' });
    const middle = await createCategory({ slug: slugOf('middle'), name: 'Middle', parent: top.id });
    const leaf = await createCategory({ slug: slugOf('leaf'), name: 'Leaf', parent: middle.slug });
    for (const parent of [top.id, leaf.id, middle.slug]) {
      const cycle = await patchCategory(top.id, { parent });
      expect(cycle.statusCode, parent).toBe(409);
      expect(cycle.json()).toMatchObject({ code: 'category_cycle' });
    }
    expect((await tree()).get(top.slug)?.parentId).toBeNull();

    const taken = await kit.post('/admin/categories', { slug: leaf.slug, name: 'Again' }, admin());
    expect(taken.json()).toMatchObject({ status: 409, code: 'slug_taken' });
    const renamed = await patchCategory(middle.id, { slug: 'running' });
    expect(renamed.json()).toMatchObject({ status: 409, code: 'slug_taken' });
    const orphan = await kit.post(
      '/admin/categories',
      { slug: slugOf('orphan'), name: 'Orphan', parent: 'no-such-category' },
      admin(),
    );
    expect(orphan.json()).toMatchObject({ status: 400, errors: [{ path: 'body.parent' }] });
    const missing = await patchCategory('0190a2b4-0000-7000-8000-000000000000', { name: 'X' });
    expect(missing.statusCode).toBe(404);
  });

  it('reaches another process’s facet index and category subtrees', async () => {
    // A second catalog over the same database and cache: another API process, with its own facet
    // index and category tree, learning of changes only through the version and the change log.
    const { adapters } = kit.ctx.store;
    const other = createCatalogService({
      db: adapters.database.db,
      cache: adapters.cache,
      cacheTtlSeconds: 60,
    });
    const otherIds = async (category: string) => {
      const response = await other.listProducts(
        anonymous,
        listProductsQuery.parse({ category, limit: '100' }),
      );
      return (JSON.parse(response.body) as ProductList).items.map((i) => i.id);
    };
    const home = await createCategory({ slug: slugOf('home'), name: 'Home' });
    const away = await createCategory({ slug: slugOf('away'), name: 'Away' });
    const mid = await createCategory({ slug: slugOf('mid'), name: 'Mid', parent: home.id });
    const leaf = await createCategory({ slug: slugOf('low'), name: 'Low', parent: mid.id });
    const created = await kit.post(
      '/admin/products',
      {
        name: `Cross Process ${tag}`,
        gender: 'unisex',
        category: leaf.slug,
        price: 5_000,
        colors: ['Sand'],
        sizes: ['One Size'],
      },
      admin(),
    );
    const product = created.json() as AdminProduct;
    await eventually(async () => (await otherIds(home.slug)).includes(product.id));

    // Moving the middle category rewrites no name in the product's keywords, yet the other process
    // must see the product under its new grandparent.
    expect((await patchCategory(mid.id, { parent: away.id })).statusCode).toBe(200);
    await eventually(async () => (await otherIds(away.slug)).includes(product.id));
    expect(await otherIds(home.slug)).toEqual([]);
  });
});

describe('the catalog’s consumer of its own events', () => {
  it('retires the cached catalog again on each of them (a bump that failed at commit included)', async () => {
    const bus = createMemoryBus({ onError: () => {} });
    let retired = 0;
    const catalog = {
      invalidate: async () => {},
      productsChanged: async () => void retired++,
    } as unknown as CatalogService;
    const subscriptions = await startCatalogConsumers(bus, catalog);
    const price = { amount: 100, currency: 'USD' };
    const samples = [
      [
        productCreated,
        { productId: 'p', slug: 's', name: 'n', categoryId: 'c', price, variantIds: [] },
      ],
      [productUpdated, { productId: 'p', slug: 's', changes: ['price'], price }],
      [productArchived, { productId: 'p', slug: 's' }],
      [productRestored, { productId: 'p', slug: 's' }],
      [categoryChanged, { categoryId: 'c', slug: 's', parentId: null, change: 'created' }],
      [
        productImagesChanged,
        { productId: 'p', slug: 's', change: 'added', color: 'Black', imageIds: ['i'] },
      ],
    ] as const;
    for (const [event, data] of samples) {
      await bus.publish({
        id: randomUUID(),
        type: event.name,
        version: event.version,
        occurredAt: new Date().toISOString(),
        data: event.schema.parse(data),
      });
    }
    await eventually(async () => retired === samples.length);
    await Promise.all(subscriptions.map((s) => s.close()));
    await bus.close();
  });
});
