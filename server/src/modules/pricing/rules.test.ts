import { describe, expect, it } from 'vitest';
import { computeTotals, discountAmount, divideRoundingHalfUp, taxAmount } from './rules.js';

describe('money rules', () => {
  it('rounds half up, in integers', () => {
    expect(divideRoundingHalfUp(5, 10)).toBe(1); // 0.5 → 1
    expect(divideRoundingHalfUp(4, 10)).toBe(0); // 0.4 → 0
    expect(divideRoundingHalfUp(15, 10)).toBe(2); // 1.5 → 2
    expect(divideRoundingHalfUp(25, 10)).toBe(3); // 2.5 → 3, not banker's 2
    expect(divideRoundingHalfUp(0, 7)).toBe(0);
    expect(() => divideRoundingHalfUp(1.5, 2)).toThrow(RangeError);
    expect(() => divideRoundingHalfUp(1, 0)).toThrow(RangeError);
  });

  it('takes a percentage off the subtotal, rounded half up once', () => {
    expect(discountAmount(9_999, { kind: 'percent', value: 15 })).toBe(1_500); // 1499.85
    expect(discountAmount(3_333, { kind: 'percent', value: 10 })).toBe(333); // 333.3
    expect(discountAmount(3_335, { kind: 'percent', value: 10 })).toBe(334); // 333.5
    expect(discountAmount(5_000, { kind: 'percent', value: 100 })).toBe(5_000);
  });

  it('never takes more than the subtotal with a fixed amount', () => {
    expect(discountAmount(5_000, { kind: 'fixed', value: 1_000 })).toBe(1_000);
    expect(discountAmount(800, { kind: 'fixed', value: 1_000 })).toBe(800);
  });

  it('taxes at basis points, rounded half up', () => {
    expect(taxAmount(10_000, 725)).toBe(725);
    expect(taxAmount(1_999, 725)).toBe(145); // 144.9275
    expect(taxAmount(2_000, 625)).toBe(125);
    expect(taxAmount(1_234, 2_000)).toBe(247); // 246.8
    expect(taxAmount(10, 500)).toBe(1); // 0.5 → 1
  });

  it('taxes the discounted subtotal plus shipping, and adds up', () => {
    const totals = computeTotals({
      lines: [
        { unitPrice: 4_500, quantity: 2 },
        { unitPrice: 2_999, quantity: 1 },
      ],
      discount: { kind: 'percent', value: 10 },
      shipping: 500,
      taxRateBasisPoints: 725,
    });
    // subtotal 11,999; discount 1,199.9 → 1,200; base 10,799 + 500 = 11,299; tax 819.1775 → 819
    expect(totals).toEqual({
      subtotal: 11_999,
      discount: 1_200,
      shipping: 500,
      tax: 819,
      total: 11_999 - 1_200 + 500 + 819,
    });
  });

  it('charges no tax where the rate is zero and nothing for an empty order', () => {
    expect(
      computeTotals({ lines: [], discount: null, shipping: 0, taxRateBasisPoints: 725 }),
    ).toEqual({ subtotal: 0, discount: 0, shipping: 0, tax: 0, total: 0 });
  });
});
