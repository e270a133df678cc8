import { z } from 'zod';
import { countryCode } from '../../platform/countries.js';
import { moneySchema } from '../../platform/money.js';
import type { DiscountRow } from './discounts.js';
import { discountKinds } from './tables.js';

export const shippingMethodSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    price: moneySchema,
    estimatedDays: z.number().int().describe('Business days to deliver, at most'),
  })
  .meta({ id: 'ShippingMethod' });

export const shippingCountrySchema = z
  .object({
    code: z.string().describe('ISO 3166-1 alpha-2'),
    regionRequired: z
      .boolean()
      .describe('An address here must give its state or province as a two-letter code'),
  })
  .meta({ id: 'ShippingCountry' });

export const shippingQuery = z.strictObject({
  country: countryCode
    .optional()
    .describe('ISO 3166-1 alpha-2; a country the store does not ship to has no methods'),
  subtotal: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .default(0)
    .describe('Discounted subtotal in minor units, for free-shipping thresholds'),
  currency: z.enum(['USD']).default('USD'),
});

const code = z
  .string()
  .trim()
  .max(40, { message: 'must be 3–40 letters, digits, "-" or "_"', abort: true })
  .regex(/^[A-Za-z0-9_-]{3,40}$/, 'must be 3–40 letters, digits, "-" or "_"');
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const discountBody = z
  .strictObject({
    code,
    kind: z.enum(discountKinds),
    value: z.number().int().min(1).max(100_000_000).describe('Percent (1–100) or minor units'),
    currency: z.enum(['USD']).default('USD'),
    minSubtotal: z.number().int().min(0).max(100_000_000).default(0),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
    usageLimit: z.number().int().min(1).max(10_000_000).optional(),
    active: z.boolean().default(true),
  })
  .refine((d) => d.kind !== 'percent' || d.value <= 100, {
    path: ['value'],
    message: 'must be at most 100 for a percentage',
  });

export const discountPatchBody = z.strictObject({
  value: z.number().int().min(1).max(100_000_000).optional(),
  minSubtotal: z.number().int().min(0).max(100_000_000).optional(),
  startsAt: instant.nullable().optional(),
  endsAt: instant.nullable().optional(),
  usageLimit: z.number().int().min(1).max(10_000_000).nullable().optional(),
  active: z.boolean().optional(),
});

export const discountSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    kind: z.enum(discountKinds),
    value: z.number().int(),
    currency: z.string(),
    minSubtotal: moneySchema,
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    usageLimit: z.number().int().nullable(),
    timesUsed: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Discount' });

const iso = (value: Date | string | null) =>
  value === null ? null : new Date(value).toISOString();

export const toDiscount = (row: DiscountRow): z.output<typeof discountSchema> => ({
  id: row.id,
  code: row.code,
  kind: row.kind,
  value: row.value,
  currency: row.currency,
  minSubtotal: { amount: row.min_subtotal, currency: row.currency },
  startsAt: iso(row.starts_at),
  endsAt: iso(row.ends_at),
  usageLimit: row.usage_limit,
  timesUsed: row.times_used,
  active: row.active,
  createdAt: iso(row.created_at) as string,
  updatedAt: iso(row.updated_at) as string,
});
