import { describe, expect, it } from 'vitest';
import { bitCount } from './bitmap.js';
import { createFacetIndex, type ProductFacts } from './facet-index.js';

const categories = [
  { id: 'c1', slug: 'tops', name: 'Tops', parentId: null },
  { id: 'c2', slug: 'shoes', name: 'Shoes', parentId: null },
];

function product(n: number): ProductFacts {
  const sizes = n % 3 === 0 ? ['S', 'M'] : ['M', 'L'];
  const colors = n % 2 === 0 ? ['Black'] : ['Black', 'Red'];
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    active: true,
    gender: n % 4 === 0 ? 'women' : 'men',
    categoryId: n % 5 === 0 ? 'c2' : 'c1',
    price: 1000 + (n % 17) * 100,
    created: 1_700_000_000_000_000 + n * 1000,
    sizes,
    colors,
    onSale: n % 6 === 0,
    inStock: n % 7 === 0 ? [] : [{ size: sizes[0]!, color: colors.at(-1)! }],
  };
}

/** The same listing worked out product by product. */
function naive(products: ProductFacts[], size: string, maxPrice: number) {
  const live = products.filter((p) => p.active);
  const matches = live.filter((p) => p.sizes.includes(size) && p.price <= maxPrice);
  return {
    ids: [...matches].sort((a, b) => b.created - a.created).map((p) => p.id),
    black: matches.filter((p) => p.colors.includes('Black')).length,
    men: live.filter((p) => p.gender === 'men' && p.sizes.includes(size) && p.price <= maxPrice)
      .length,
  };
}

describe('facet index', () => {
  it('counts the bits of a word', () => {
    expect([0, 1, 0xff, 0x80000000, 0xffffffff, 0x55555555].map(bitCount)).toEqual([
      0, 1, 8, 1, 32, 16,
    ]);
  });

  it('grows past its first capacity and stays exact as products come, change and go', () => {
    const products = [1, 2, 3].map(product);
    const index = createFacetIndex(products, categories);
    for (let n = 4; n <= 700; n++) {
      products.push(product(n));
      index.upsert(product(n));
    }
    // Some leave, some change price and gain a size.
    for (let n = 10; n <= 700; n += 10) {
      const gone = { ...products[n - 1]!, active: false };
      products[n - 1] = gone;
      index.upsert(gone);
    }
    for (let n = 3; n <= 700; n += 9) {
      const changed = { ...products[n - 1]!, price: 900, sizes: ['S', 'M', 'L'] };
      products[n - 1] = changed;
      index.upsert(changed);
    }
    const listing = index.listing({ size: ['S'], maxPrice: 1500 }, 'newest', null, 1000);
    const expected = naive(products, 'S', 1500);
    expect(listing.ids).toEqual(expected.ids);
    expect(listing.total).toBe(expected.ids.length);
    expect(listing.facets.color.find((f) => f.value === 'Black')?.count).toBe(expected.black);
    expect(listing.facets.gender.find((f) => f.value === 'men')?.count).toBe(expected.men);
    expect(index.size()).toBe(products.filter((p) => p.active).length);

    // A category's run of words, after members left it and new ones joined at the end.
    const shoes = index.listing({ categoryIds: ['c2'], inStock: true }, 'price_asc', null, 1000);
    const expectedShoes = products
      .filter((p) => p.active && p.categoryId === 'c2' && p.inStock.length > 0)
      .sort((a, b) => a.price - b.price || (a.id < b.id ? -1 : 1));
    expect(shoes.ids).toEqual(expectedShoes.map((p) => p.id));
    expect(shoes.facets.category).toEqual([
      {
        value: 'tops',
        label: 'Tops',
        count: products.filter((p) => p.active && p.categoryId === 'c1' && p.inStock.length > 0)
          .length,
      },
      { value: 'shoes', label: 'Shoes', count: expectedShoes.length },
    ]);
  });

  it('lists only marked-down products on request, and follows a product off and on sale', () => {
    const products = Array.from({ length: 40 }, (_, i) => product(i + 1));
    const index = createFacetIndex(products, categories);
    const onSale = () => index.listing({ onSale: true }, 'price_asc', null, 1000);
    const expected = (list: ProductFacts[]) =>
      list.filter((p) => p.onSale).sort((a, b) => a.price - b.price || (a.id < b.id ? -1 : 1));
    expect(onSale().ids).toEqual(expected(products).map((p) => p.id));
    expect(onSale().total).toBe(products.filter((p) => p.onSale).length);

    products[5] = { ...products[5]!, onSale: !products[5]!.onSale };
    products[6] = { ...products[6]!, onSale: !products[6]!.onSale };
    index.upsert(products[5]!);
    index.upsert(products[6]!);
    expect(onSale().ids).toEqual(expected(products).map((p) => p.id));
  });

  it('pages the dearest first across equal prices without repeating or skipping', () => {
    const products = Array.from({ length: 60 }, (_, i) => product(i + 1));
    const index = createFacetIndex(products, categories);
    const seen: string[] = [];
    let position = null;
    for (let page = 0; page < 20; page++) {
      const listing = index.listing({}, 'price_desc', position, 7);
      seen.push(...listing.ids);
      position = listing.next;
      if (!position) break;
    }
    const expected = [...products]
      .sort((a, b) => b.price - a.price || (a.id < b.id ? 1 : -1))
      .map((p) => p.id);
    expect(seen).toEqual(expected);
  });
});
