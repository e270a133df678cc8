import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';

/**
 * Stock changed: reserved by an order, released by a cancellation or an expiry, committed by a
 * payment, or set by an admin. Each item is the variant's level after the change.
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
      }),
    ),
  }),
);
