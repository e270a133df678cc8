import { z } from 'zod';
import { moneySchema } from '../../platform/money.js';
import { lineVariantFields } from '../catalog/index.js';
import { cartIdPattern, lineIdPattern } from './store.js';

/** Request bodies are strict: a price (or anything else) a client sends along is a 400, never used. */

const quantity = (min: number) =>
  z.number().int().min(min).max(10).describe('Units of this variant in the cart (at most 10)');

export const cartParams = z.object({
  id: z.string().regex(cartIdPattern, 'is not a cart id'),
});
export const cartItemParams = cartParams.extend({
  itemId: z.string().regex(lineIdPattern, 'is not a cart line id'),
});

export const addItemBody = z.strictObject({ variantId: z.uuid(), quantity: quantity(1) });
export const updateItemBody = z.strictObject({
  quantity: quantity(0).describe('0 removes the line'),
});
export const discountCodeBody = z.strictObject({ code: z.string().trim().min(1).max(64) });

export const cartItemSchema = z
  .object({
    id: z.string(),
    ...lineVariantFields,
    unitPrice: moneySchema.describe('The live price'),
    quantity: z.number().int(),
    lineTotal: moneySchema,
    available: z.number().int().describe('Units that can still be bought right now'),
    priceChanged: z
      .boolean()
      .describe('The price differs from the one the shopper saw when last changing this line'),
    purchasable: z
      .boolean()
      .describe('False once the product is archived: it is left out of totals'),
  })
  .meta({ id: 'CartItem' });

export const cartSchema = z
  .object({
    id: z.string(),
    items: z.array(cartItemSchema),
    itemCount: z.number().int(),
    discountCode: z.string().nullable(),
    discountProblem: z
      .object({ reason: z.string() })
      .nullable()
      .describe('Why the stored discount code takes nothing off right now, if it does not'),
    subtotal: moneySchema,
    discount: moneySchema,
    shipping: moneySchema.describe('The cheapest shipping method, as an estimate'),
    tax: moneySchema.describe('Always 0 here: tax depends on the address, computed at checkout'),
    total: moneySchema,
    currency: z.string().length(3),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cart' });
