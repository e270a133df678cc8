import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as rules from './field-rules.js';

/** A cell of a catalog CSV at the import's size limit, as a single value. */
const huge = (unit: string) => unit.repeat(Math.ceil(9_000_000 / unit.length));

const textRules: [string, z.ZodType<string>, number][] = [
  ['productSlug', rules.productSlug, 120],
  ['categorySlug', rules.categorySlug, 80],
  ['productName', rules.productName, 200],
  ['productDescription', rules.productDescription, 10_000],
  ['optionValue', rules.optionValue, 40],
  ['sku', rules.sku, 100],
];

describe('field rules over huge input', () => {
  it.each(textRules)('%s refuses 9 MB by its length alone, before any pattern', (_, rule, max) => {
    for (const value of [huge('a'), huge('a\n'), huge('a-'), huge('\u0007')]) {
      const checked = rule.safeParse(value);
      expect(checked.success).toBe(false);
      expect(checked.error?.issues.map((issue) => issue.message)).toEqual([
        `must be at most ${max.toLocaleString('en')} characters`,
      ]);
    }
  });

  it('still checks the pattern of a value within the length', () => {
    expect(rules.productDescription.safeParse('Tabs\tand\nlines\r\nstay').success).toBe(true);
    expect(rules.productDescription.safeParse(`${'a'.repeat(9_999)}\u0007`).error?.issues).toEqual([
      expect.objectContaining({
        message: 'must not contain control characters but tabs and line breaks',
      }),
    ]);
    expect(rules.sku.safeParse('-leading-dash').success).toBe(false);
    expect(rules.sku.safeParse('A'.repeat(100)).success).toBe(true);
  });
});
