import type { DiscountKind } from './tables.js';

/**
 * The arithmetic of a price, with no I/O. All amounts are integer minor units. One rounding rule
 * everywhere: half up (away from zero for the non-negative amounts used here), applied once per
 * amount, never per line: a discount once on the subtotal, tax once on the taxable base.
 */
export interface DiscountRule {
  kind: DiscountKind;
  /** Percent 1–100, or minor units. */
  value: number;
}

/** `numerator / denominator` rounded half up, in integers (both non-negative). */
export function divideRoundingHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError('amounts must be safe integers and the divisor positive');
  }
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** What a discount takes off a subtotal: never more than the subtotal itself. */
export function discountAmount(subtotal: number, rule: DiscountRule): number {
  const amount =
    rule.kind === 'percent' ? divideRoundingHalfUp(subtotal * rule.value, 100) : rule.value;
  return Math.min(subtotal, amount);
}

/** Tax on a base at a rate in basis points (1 bp = 0.01 %). */
export function taxAmount(base: number, rateBasisPoints: number): number {
  return divideRoundingHalfUp(base * rateBasisPoints, 10_000);
}

export interface Totals {
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
}

/**
 * Totals of an order: subtotal of the lines, less the discount, plus shipping, plus tax on
 * (discounted subtotal + shipping). Prices are shown before tax, as in the US; the tax line says how
 * much is added.
 */
export function computeTotals(input: {
  lines: { unitPrice: number; quantity: number }[];
  discount: DiscountRule | null;
  shipping: number;
  taxRateBasisPoints: number;
}): Totals {
  const subtotal = input.lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  const discount = input.discount ? discountAmount(subtotal, input.discount) : 0;
  const tax = taxAmount(subtotal - discount + input.shipping, input.taxRateBasisPoints);
  return {
    subtotal,
    discount,
    shipping: input.shipping,
    tax,
    total: subtotal - discount + input.shipping + tax,
  };
}
