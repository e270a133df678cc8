import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';

/**
 * Stock changed: reserved by an order, released by a cancellation or an expiry, committed by a
 * payment, or set by an admin. Each item is the variant's level after the change, and what could
 * be bought before it.
 */
export const inventoryUpdated = defineEvent(
  'inventory_update',
  1,
  z.object({
    reason: z.enum(['reserved', 'released', 'committed', 'restocked', 'adjusted']),
    orderId: z.string().optional(),
    items: z.array(
      z.object({
        variantId: z.string(),
        onHand: z.number().int(),
        reserved: z.number().int(),
        available: z.number().int(),
        /**
         * Units that could be bought just before this change, read under the same row lock: a
         * consumer sees a fall below a threshold from the event alone, whatever order it handles
         * one variant's changes in. Absent from events written before it was added.
         */
        previousAvailable: z.number().int().optional(),
      }),
    ),
  }),
  {
    written: 'stock reserved, released, committed, restocked or adjusted',
    consumedBy:
      'catalog (retires cached pages in every process); inventory (one low-stock alert per variant)',
  },
);
