import type { Order } from '../api/client';

/**
 * An order's status in the shopper's words, wherever an order is shown. Typed on the API's list of
 * statuses, so a status added there fails the build here instead of showing a raw code.
 */
export const orderStatusLabels: Record<Order['status'], string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  fulfilled: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  partially_refunded: 'Partly refunded',
};
