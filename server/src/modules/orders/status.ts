import { InvalidTransition } from '../../platform/errors.js';
import type { orderStatuses } from './tables.js';

export type OrderStatus = (typeof orderStatuses)[number];

/**
 * The order status machine, as data: for each status, the statuses it may move to. Every change of
 * an order's status goes through `assertTransition`, and the update that applies it is conditional on
 * the status it was checked against, so two concurrent moves cannot both apply.
 */
export const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['fulfilled', 'cancelled', 'refunded', 'partially_refunded'],
  fulfilled: ['delivered', 'refunded', 'partially_refunded'],
  partially_refunded: ['fulfilled', 'delivered', 'refunded', 'partially_refunded'],
  // Returns after delivery are refunded too.
  delivered: ['refunded', 'partially_refunded'],
  cancelled: [],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new InvalidTransition(from, to);
}

/** Orders whose payment has been collected and not wholly given back: they can be refunded. */
export const refundableStatuses: readonly OrderStatus[] = [
  'paid',
  'fulfilled',
  'delivered',
  'partially_refunded',
];
