import { describe, expect, it } from 'vitest';
import { createFacetIndex, type IndexFilter, type ProductFacts } from './facet-index.js';

/**
 * Facet counts taken from whole blocks must equal a count made product by product, for selections
 * that fill blocks, cut them, or leave them empty, across many blocks, and after products change.
 */
const categories = [
  { id: 'tops', slug: 'tops', name: 'Tops', parentId: null },
  { id: 'tees', slug: 'tees', name: 'Tees', parentId: 'tops' },
  { id: 'shoes', slug: 'shoes', name: 'Shoes', parentId: null },
  { id: 'socks', slug: 'socks', name: 'Socks', parentId: null },
];
const genders = ['men', 'women', 'kids'];
const allSizes = ['XS', 'S', 'M', 'L', 'XL', '9', '10', '11'];
const allColors = ['Black', 'White', 'Red', 'Blue', 'Green'];

function random(seed: number) {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function productOf(n: number, rng: () => number): ProductFacts {
  const pick = <T>(list: T[]) => list.filter(() => rng() < 0.4).slice(0, 4);
  const sizes = pick(allSizes);
  const colors = pick(allColors);
  return {
    id: `p${String(n).padStart(6, '0')}`,
    active: rng() > 0.03,
    gender: genders[Math.floor(rng() * genders.length)]!,
    categoryId: categories[Math.floor(rng() * categories.length)]!.id,
    price: 1000 + Math.floor(rng() * 200) * 50,
    created: 1_700_000_000_000_000 + n,
    sizes,
    colors,
    onSale: rng() < 0.2,
    inStock: sizes.flatMap((size) =>
      colors.filter(() => rng() < 0.5).map((color) => ({ size, color })),
    ),
  };
}

function naiveFacets(products: ProductFacts[], filter: IndexFilter, search: Set<string> | null) {
  const passes = (p: ProductFacts, skip: string) =>
    p.active &&
    (!search || search.has(p.id)) &&
    (skip === 'gender' || !filter.gender || p.gender === filter.gender) &&
    (skip === 'category' || !filter.categoryIds || filter.categoryIds.includes(p.categoryId)) &&
    (skip === 'size' || !filter.size || p.sizes.some((s) => filter.size!.includes(s))) &&
    (skip === 'color' || !filter.color || p.colors.some((c) => filter.color!.includes(c))) &&
    (skip === 'price' || filter.minPrice === undefined || p.price >= filter.minPrice) &&
    (skip === 'price' || filter.maxPrice === undefined || p.price <= filter.maxPrice) &&
    (!filter.inStock ||
      p.inStock.some(
        (v) =>
          (!filter.size || filter.size.includes(v.size)) &&
          (!filter.color || filter.color.includes(v.color)),
      ));
  const count = (skip: string, valuesOf: (p: ProductFacts) => string[]) => {
    const counts = new Map<string, number>();
    for (const p of products) {
      if (!passes(p, skip)) continue;
      for (const value of valuesOf(p)) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  const priced = products.filter((p) => passes(p, 'price')).map((p) => p.price);
  return {
    total: products.filter((p) => passes(p, '')).length,
    price: priced.length
      ? { min: Math.min(...priced), max: Math.max(...priced) }
      : { min: null, max: null },
    size: count('size', (p) => p.sizes),
    color: count('color', (p) => p.colors),
    gender: count('gender', (p) => [p.gender]),
    category: count('category', (p) => [p.categoryId]),
  };
}

const asRecord = (list: { value: string; count: number }[]) =>
  Object.fromEntries(list.map((f) => [f.value, f.count]).sort(([a], [b]) => (a! < b! ? -1 : 1)));

describe('facet counts by block', () => {
  it('equal a product-by-product count over many blocks, before and after changes (price range too)', () => {
    const rng = random(7);
    const products = Array.from({ length: 6000 }, (_, n) => productOf(n, rng));
    const index = createFacetIndex(products, categories);
    const searchIds = products.filter(() => rng() < 0.25).map((p) => p.id);
    // As the facet source does: a search's match is made again after products change (a product
    // listed since was not ranked), and kept across stock changes.
    let search = index.searchMatch(searchIds);

    const check = (round: number) => {
      const filterRng = random(1000 + round);
      for (let i = 0; i < 60; i++) {
        const filter: IndexFilter = {};
        const withSearch = filterRng() < 0.4;
        if (withSearch) filter.search = search;
        if (filterRng() < 0.5) filter.gender = genders[Math.floor(filterRng() * 3)]!;
        if (filterRng() < 0.4)
          filter.categoryIds = filterRng() < 0.5 ? ['tops', 'tees'] : ['shoes'];
        if (filterRng() < 0.3) filter.size = [allSizes[Math.floor(filterRng() * allSizes.length)]!];
        if (filterRng() < 0.3) filter.color = [allColors[Math.floor(filterRng() * 5)]!];
        // Bounds that cut the catalog, and bounds above and below every price (no filter at all).
        const bound = filterRng();
        if (bound < 0.25) filter.maxPrice = 5000 + Math.floor(filterRng() * 5000);
        else if (bound < 0.5) filter.maxPrice = 1_000_000;
        else if (bound < 0.6) filter.minPrice = 0;
        if (filterRng() < 0.2) filter.inStock = true;
        const listing = index.listing(filter, withSearch ? 'relevance' : 'newest', null, 5);
        const expected = naiveFacets(products, filter, withSearch ? new Set(searchIds) : null);
        const where = `round ${round}: ${JSON.stringify({ ...filter, search: withSearch })}`;
        expect(listing.total, where).toBe(expected.total);
        expect(listing.facets.price, where).toEqual(expected.price);
        expect(asRecord(listing.facets.size), where).toEqual(expected.size);
        expect(asRecord(listing.facets.color), where).toEqual(expected.color);
        expect(asRecord(listing.facets.gender), where).toEqual(expected.gender);
        expect(
          asRecord(listing.facets.category.map((c) => ({ value: c.value, count: c.count }))),
          where,
        ).toEqual(expected.category);
      }
    };
    const change = (every: number, offset: number) => {
      for (let n = offset; n < products.length; n += every) {
        const changed = { ...productOf(n, rng), id: products[n]!.id };
        products[n] = changed;
        index.upsert(changed);
      }
    };
    check(0);
    // Products leave, come back, change category, gender, sizes and price: the stored counts of
    // the blocks they are in are brought up to date one block at a time.
    change(37, 0);
    search = index.searchMatch(searchIds);
    check(1);
    // The cheapest products of the catalog, then no longer: each block's prices follow.
    const reprice = (price: number) => {
      for (const n of [100, 2600, 4100]) {
        products[n] = { ...products[n]!, active: true, price };
        index.upsert(products[n]!);
      }
    };
    reprice(100);
    check(2);
    reprice(20_000);
    check(3);
    // New products past the index's first capacity: its sets grow and the counts are made again.
    for (let n = 6000; n < 8000; n++) {
      products.push(productOf(n, rng));
      index.upsert(products[n]!);
    }
    search = index.searchMatch(searchIds);
    check(4);
    change(23, 5);
    search = index.searchMatch(searchIds);
    check(5);
    // Stock alone changes: the search's match is kept, its stored counts must not be.
    for (let n = 3; n < products.length; n += 11) {
      const restocked = { ...products[n]!, inStock: n % 2 ? [] : products[n]!.inStock };
      products[n] = restocked;
      index.upsert(restocked);
    }
    check(6);
  });
});
