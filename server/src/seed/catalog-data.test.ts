import { describe, expect, it } from 'vitest';
import {
  categories,
  colorHex,
  generateCatalog,
  renderProductSvg,
  type SeedProduct,
} from './catalog-data.js';

const BANNED = /nike|swoosh|dri-fit|air max|jordan|adidas|puma|reebok|under armour|lululemon/i;

function leafSlugs(): Set<string> {
  const parents = new Set(categories.map((c) => c.parentSlug).filter((p) => p !== null));
  return new Set(categories.filter((c) => !parents.has(c.slug)).map((c) => c.slug));
}

describe('categories', () => {
  it('form a tree with unique lowercase-hyphen slugs', () => {
    const slugs = categories.map((c) => c.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const c of categories) {
      expect(c.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      if (c.parentSlug !== null) expect(slugs).toContain(c.parentSlug);
    }
    expect(categories.filter((c) => c.parentSlug === null).map((c) => c.slug)).toEqual([
      'running',
      'training',
      'lifestyle',
      'outerwear',
      'accessories',
    ]);
  });
});

describe('generateCatalog (default)', () => {
  const catalog = generateCatalog();

  it('is deterministic', () => {
    expect(generateCatalog()).toEqual(catalog);
    expect(generateCatalog({ count: 50, seed: 7 })).toEqual(
      generateCatalog({ count: 50, seed: 7 }),
    );
    expect(generateCatalog({ count: 50, seed: 8 })).not.toEqual(
      generateCatalog({ count: 50, seed: 7 }),
    );
  });

  it('has at least 120 products with unique names, slugs and SKUs', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(120);
    expect(new Set(catalog.map((p) => p.name)).size).toBe(catalog.length);
    expect(new Set(catalog.map((p) => p.slug)).size).toBe(catalog.length);
    const skus = catalog.flatMap((p) => p.variants.map((v) => v.sku));
    expect(new Set(skus).size).toBe(skus.length);
    for (const p of catalog) expect(p.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const sku of skus) expect(sku).toMatch(/^STR-\d{4,}-[A-Z]{3}-[A-Z0-9]+$/);
  });

  it('puts every product in a leaf category and covers every leaf and gender', () => {
    const leaves = leafSlugs();
    for (const p of catalog) expect(leaves.has(p.categorySlug)).toBe(true);
    expect(new Set(catalog.map((p) => p.categorySlug))).toEqual(leaves);
    expect(new Set(catalog.map((p) => p.gender))).toEqual(
      new Set(['men', 'women', 'kids', 'unisex']),
    );
  });

  it('has 2-4 colours, images per colour and variants = colours x sizes', () => {
    for (const p of catalog) {
      expect(p.colors.length).toBeGreaterThanOrEqual(2);
      expect(p.colors.length).toBeLessThanOrEqual(4);
      expect(new Set(p.colors).size).toBe(p.colors.length);
      expect(p.sizes.length).toBeGreaterThan(0);
      expect(p.variants.map((v) => `${v.color}/${v.size}`)).toEqual(
        p.colors.flatMap((c) => p.sizes.map((s) => `${c}/${s}`)),
      );
      expect(p.images.map((i) => i.color)).toEqual(p.colors);
      for (const img of p.images) {
        expect(img.url).toMatch(new RegExp(`^/images/products/${p.slug}/[a-z-]+\\.svg$`));
      }
      for (const c of p.colors) expect(colorHex(c)).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it('has sane prices, sale items and stock levels', () => {
    const variants = catalog.flatMap((p) => p.variants);
    for (const v of variants) {
      expect(Number.isInteger(v.price)).toBe(true);
      expect(v.price).toBeGreaterThan(0);
      expect([0, 99]).toContain(v.price % 100);
      if (v.compareAtPrice !== null) expect(v.compareAtPrice).toBeGreaterThan(v.price);
      expect(Number.isInteger(v.onHand)).toBe(true);
      expect(v.onHand).toBeGreaterThanOrEqual(0);
      expect(v.onHand).toBeLessThanOrEqual(60);
    }
    const onSale = catalog.filter((p) => p.variants.some((v) => v.compareAtPrice !== null));
    const soldOut = catalog.filter((p) => p.variants.every((v) => v.onHand === 0));
    const partlyOut = catalog.filter(
      (p) => p.variants.some((v) => v.onHand === 0) && p.variants.some((v) => v.onHand > 0),
    );
    expect(onSale.length).toBeGreaterThan(catalog.length * 0.1);
    expect(onSale.length).toBeLessThan(catalog.length * 0.35);
    expect(soldOut.length).toBeGreaterThan(0);
    expect(soldOut.length).toBeLessThan(catalog.length * 0.25);
    expect(partlyOut.length).toBeGreaterThan(0);
  });

  it('uses category-appropriate sizes', () => {
    const byCategory = (slug: string): SeedProduct[] =>
      catalog.filter((p) => p.categorySlug === slug);
    for (const p of byCategory('socks')) expect(p.sizes).toEqual(['S', 'M', 'L']);
    for (const p of [...byCategory('caps'), ...byCategory('bags')])
      expect(p.sizes).toEqual(['One Size']);
    for (const p of catalog.filter((x) => x.gender === 'kids')) {
      if (p.sizes[0] !== 'One Size') for (const s of p.sizes) expect(s).toMatch(/^\d+Y$/);
    }
    expect(catalog.some((p) => p.sizes.includes('32'))).toBe(true);
  });

  it('spreads createdAt over the year before 2026-11-01', () => {
    const end = Date.UTC(2026, 10, 1);
    const times = catalog.map((p) => p.createdAt.getTime());
    for (const t of times) {
      expect(t).toBeLessThan(end);
      expect(t).toBeGreaterThanOrEqual(end - 366 * 86_400_000);
    }
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(200 * 86_400_000);
  });

  it('writes varied 2-3 sentence descriptions and no brand names', () => {
    expect(new Set(catalog.map((p) => p.description)).size).toBeGreaterThan(catalog.length * 0.9);
    for (const p of catalog) {
      const sentences = p.description.split(/(?<=\.)\s+/);
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(sentences.length).toBeLessThanOrEqual(3);
      expect(p.description).not.toMatch(/[{}]/);
      expect(`${p.name} ${p.description}`).not.toMatch(BANNED);
    }
  });
});

describe('renderProductSvg', () => {
  it('renders a small self-contained SVG for every product and colour', () => {
    for (const p of generateCatalog()) {
      for (const color of p.colors) {
        const svg = renderProductSvg(p, color);
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg.endsWith('</svg>')).toBe(true);
        expect(svg).toContain('viewBox="0 0 600 750"');
        expect(svg).toContain(colorHex(color));
        expect(Buffer.byteLength(svg)).toBeLessThan(3000);
        expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg")/);
        expect(svg).not.toContain('<text');
        expect(svg.match(/<title>/g)).toHaveLength(1);
      }
    }
  });

  it('escapes XML special characters in the title', () => {
    const svg = renderProductSvg(
      { name: `Kids' <Dash> & "Co" Tee`, categorySlug: 't-shirts', gender: 'kids' },
      'Navy',
    );
    expect(svg).toContain('<title>Kids&apos; &lt;Dash&gt; &amp; &quot;Co&quot; Tee - Navy</title>');
    expect(svg).not.toContain('<Dash>');
  });

  it('falls back to a neutral colour for unknown names', () => {
    expect(colorHex('Black')).toBe(colorHex('black'));
    expect(colorHex('Not A Colour')).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('generateCatalog (100k)', () => {
  it('generates 100k products quickly with unique slugs and SKUs', () => {
    const started = performance.now();
    const big = generateCatalog({ count: 100_000, seed: 42 });
    const elapsed = performance.now() - started;
    expect(big).toHaveLength(100_000);
    expect(elapsed).toBeLessThan(10_000);
    const slugs = new Set<string>();
    const skus = new Set<string>();
    let variantCount = 0;
    for (const p of big) {
      slugs.add(p.slug);
      for (const v of p.variants) {
        skus.add(v.sku);
        variantCount++;
      }
    }
    expect(slugs.size).toBe(big.length);
    expect(skus.size).toBe(variantCount);
  }, 30_000);
});
