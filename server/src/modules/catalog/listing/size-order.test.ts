import { describe, expect, it } from 'vitest';
import { compareSizes, naturalCompare } from './size-order.js';

const collator = new Intl.Collator('en', { numeric: true }).compare;
const sign = (n: number) => Math.sign(n);

/** Sizes as stores label them: waists, inseams, shoes, kids' ages, ranges and cup sizes. */
const labels = [
  '28',
  '30',
  '32',
  '34',
  '36',
  '38',
  '40',
  '9',
  '9.5',
  '10',
  '10.5',
  '11',
  '12',
  '13',
  'W28 L30',
  'W28 L32',
  'W30 L30',
  'W30 L32',
  'W32 L30',
  'w32 l34',
  '2T',
  '3T',
  '4T',
  '2Y',
  '4-5Y',
  '6-7Y',
  '10-11Y',
  '12-13Y',
  '8-10',
  '10-12',
  '32A',
  'EU42',
  'W30',
  'W 30',
  'S1',
  'S/M',
  'XL2',
  'XL-Tall',
  'a1',
  'a.',
  'x{',
  '007',
  '7',
  '99999999999999999999',
  '100000000000000000000',
  '32B',
  '34A',
  'XS/S',
  'M/L',
  'L/XL',
  'Tall',
  'Petite',
  'petite',
  '1X',
  '2X',
  '3X',
  '0',
  '00',
  '0-3M',
  '3-6M',
  '6-12M',
  'EU 42',
  'EU 42.5',
  '.5',
  '-2',
  'EU 43',
  'UK 8',
  'US 9',
  'Small',
  'Medium',
  'Large',
  'A',
  'a',
  'B',
];

describe('size order', () => {
  it('orders the labels stores use as a numeric collator does, and consistently', () => {
    for (const a of labels) {
      for (const b of labels) {
        // Where the collator calls two labels equal ("0" and "00"), a tie is still broken, so
        // a facet's order never depends on the order its values were read in.
        const expected = sign(collator(a, b)) || sign(naturalCompare(a, b));
        expect(sign(naturalCompare(a, b)), `${a} against ${b}`).toBe(expected);
        expect(sign(naturalCompare(a, b)), `${a} against ${b}`).toBe(
          -sign(naturalCompare(b, a)) || 0,
        );
      }
    }
  });

  it('is a total order: transitive, so a sort is well defined', () => {
    for (const a of labels) {
      for (const b of labels) {
        if (naturalCompare(a, b) >= 0) continue;
        for (const c of labels) {
          if (naturalCompare(b, c) < 0)
            expect(naturalCompare(a, c), `${a} < ${b} < ${c}`).toBeLessThan(0);
        }
      }
    }
  });

  it('reads numbers by value, not digit by digit', () => {
    expect(['10', '9', '100', '9.5'].sort(naturalCompare)).toEqual(['9', '9.5', '10', '100']);
    expect(['W32 L30', 'W28 L32', 'W28 L30'].sort(naturalCompare)).toEqual([
      'W28 L30',
      'W28 L32',
      'W32 L30',
    ]);
  });

  it('puts the clothing letters first, in reading order, and the rest after', () => {
    const sizes = ['XL', '32', 'One Size', 'S', '3XL', 'XXS', '30', 'M', 'XS', 'L', 'XXL'];
    expect(sizes.sort(compareSizes)).toEqual([
      'XXS',
      'XS',
      'S',
      'M',
      'L',
      'XL',
      'XXL',
      '3XL',
      'One Size',
      '30',
      '32',
    ]);
  });
});
