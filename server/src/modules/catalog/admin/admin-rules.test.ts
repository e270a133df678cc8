import { describe, expect, it } from 'vitest';
import type { AdminProductRow } from './admin-repository.js';
import {
  assertPricesHold,
  assertReorder,
  assertWithinLimits,
  slugify,
  variantsToCreate,
} from './admin-rules.js';
import { productCreateBody } from './admin-schemas.js';
import { Conflict, ValidationFailed } from '../../../platform/errors.js';

/** The field messages a rule throws, or none. */
function refusal(rule: () => void): string {
  try {
    rule();
    return '';
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    return error.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  }
}

/** The store team's catalog rules that need no database. */
describe('admin catalog rules', () => {
  it('derives URL slugs from names', () => {
    expect(slugify('Trail Runner 2 – Men’s')).toBe('trail-runner-2-mens');
    expect(slugify('  Café Crème Hoodie!! ')).toBe('cafe-creme-hoodie');
    expect(slugify('日本')).toBe('');
    expect(slugify('a'.repeat(150)).length).toBe(100);
  });

  it('makes one variant per colour and size at the product price, with grid SKUs', () => {
    const input = productCreateBody.parse({
      name: 'Trail Shell',
      gender: 'men',
      category: 'outerwear',
      price: 9_000,
      compareAtPrice: 12_000,
      colors: ['Forest Green', 'Black'],
      sizes: ['M', 'One Size'],
      onHand: 3,
    });
    expect(variantsToCreate(input, 'trail-shell')).toEqual([
      expect.objectContaining({ sku: 'TRAIL-SHELL-FOREST-GREEN-M', price: 9_000, onHand: 3 }),
      expect.objectContaining({ sku: 'TRAIL-SHELL-FOREST-GREEN-ONE-SIZE', compareAtPrice: 12_000 }),
      expect.objectContaining({ sku: 'TRAIL-SHELL-BLACK-M', color: 'Black' }),
      expect.objectContaining({ sku: 'TRAIL-SHELL-BLACK-ONE-SIZE', size: 'One Size' }),
    ]);
  });

  it('checks the variants a create lists against its colours and sizes', () => {
    const result = productCreateBody.safeParse({
      name: 'Trail Shell',
      gender: 'men',
      category: 'outerwear',
      price: 9_000,
      colors: ['Black', 'Red'],
      variants: [
        { sku: 'A-1', size: 'M', color: 'Black' },
        { sku: 'A-1', size: 'M', color: 'Blue' },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['variants.1.sku', 'is repeated'],
      ['variants.1.color', 'is not one of `colors`'],
      ['colors.1', 'has no variant'],
    ]);
  });

  it('lets an update reorder colours and sizes, never add or drop one', () => {
    expect(refusal(() => assertReorder('colors', ['Red', 'Black'], ['Black', 'Red']))).toBe('');
    expect(refusal(() => assertReorder('colors', ['Black'], ['Black', 'Red']))).toMatch(
      /^body\.colors: must list exactly/,
    );
    expect(refusal(() => assertReorder('sizes', ['S', 'M', 'L'], ['S', 'M']))).toMatch(/exactly/);
  });

  it('keeps every markdown above the price a product-wide change sets', () => {
    const variant = (sku: string, price: number, compareAt: number | null) => ({
      id: sku,
      sku,
      size: 'M',
      color: 'Black',
      price_amount: price,
      compare_at_amount: compareAt,
      position: 0,
      on_hand: 0,
      reserved: 0,
    });
    const row = {
      variants: [variant('A', 8_000, 10_000), variant('B', 9_000, null)],
    } as AdminProductRow;
    expect(refusal(() => assertPricesHold(row, { price: 9_500 }))).toBe('');
    expect(refusal(() => assertPricesHold(row, { price: 10_000 }))).toMatch(
      /^body\.compareAtPrice: would not be above the price of A;/,
    );
    expect(refusal(() => assertPricesHold(row, { price: 10_000, compareAtPrice: null }))).toBe('');
    expect(refusal(() => assertPricesHold(row, { compareAtPrice: 8_000 }))).toMatch(/of A, B;/);
  });

  it('holds a product to 300 variants and 30 colours and sizes as variants are added or changed', () => {
    const grid = (colors: number, sizes: number) =>
      ({
        variants: Array.from({ length: colors * sizes }, (_, i) => ({
          id: `v${i}`,
          color: `Colour ${Math.floor(i / sizes)}`,
          size: `Size ${i % sizes}`,
        })),
      }) as AdminProductRow;
    const limit = (rule: () => void) => {
      try {
        rule();
        return null;
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        return { code: error.code, ...error.extensions };
      }
    };
    const full = grid(30, 10);
    expect(limit(() => assertWithinLimits(full, 'Size 0', 'Colour 0'))).toEqual({
      code: 'product_limit',
      limit: 300,
      variants: 301,
    });
    // Changing a variant of a full product is no new variant; a 31st colour is still refused.
    expect(limit(() => assertWithinLimits(full, 'Size 0', 'Colour 1', 'v0'))).toBeNull();
    expect(limit(() => assertWithinLimits(grid(30, 1), 'Size 0', 'Colour 30'))).toEqual({
      code: 'product_limit',
      limit: 30,
      colors: 31,
    });
    expect(limit(() => assertWithinLimits(grid(1, 30), 'Size 30', 'Colour 0'))).toMatchObject({
      sizes: 31,
    });
    expect(limit(() => assertWithinLimits(grid(29, 1), 'Size 0', 'Colour 29'))).toBeNull();
  });
});
