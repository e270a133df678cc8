import { describe, expect, it } from 'vitest';
import { InvalidTransition } from '../../platform/errors.js';
import { orderStatuses } from './tables.js';
import { assertTransition, canTransition } from './status.js';

/**
 * Every pair of statuses: exactly the moves the contract lists are allowed, plus refunds after
 * delivery (returns) and delivery of a partly refunded order.
 */
const allowed = new Set([
  'pending_payment→paid',
  'pending_payment→cancelled',
  'paid→fulfilled',
  'paid→cancelled',
  'paid→refunded',
  'paid→partially_refunded',
  'fulfilled→delivered',
  'fulfilled→refunded',
  'fulfilled→partially_refunded',
  'delivered→refunded',
  'delivered→partially_refunded',
  'partially_refunded→fulfilled',
  'partially_refunded→delivered',
  'partially_refunded→refunded',
  'partially_refunded→partially_refunded',
]);

describe('order status machine', () => {
  const pairs = orderStatuses.flatMap((from) => orderStatuses.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s', (from, to) => {
    const expected = allowed.has(`${from}→${to}`);
    expect(canTransition(from, to)).toBe(expected);
    if (expected) expect(() => assertTransition(from, to)).not.toThrow();
    else {
      expect(() => assertTransition(from, to)).toThrow(InvalidTransition);
      try {
        assertTransition(from, to);
      } catch (error) {
        expect(error).toMatchObject({ code: 'invalid_transition', from, to });
      }
    }
  });
});
