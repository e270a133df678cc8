import { sql } from 'drizzle-orm';
import {
  boolean,
  char,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { at, id, sqlList, timestamps } from '../../platform/db/columns.js';

export const discountKinds = ['percent', 'fixed'] as const;
export type DiscountKind = (typeof discountKinds)[number];

/**
 * Discount codes. `value` is a percentage (1–100) for `percent` and minor units for `fixed`. A code is
 * matched case-insensitively. `times_used` counts redemptions and is raised inside the order's
 * transaction under a row lock, so two shoppers can never both take the last use.
 */
export const discounts = pgTable(
  'discounts',
  {
    id: id(),
    code: text('code').notNull(),
    kind: text('kind', { enum: discountKinds }).notNull(),
    value: integer('value').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('USD'),
    minSubtotal: integer('min_subtotal').notNull().default(0),
    startsAt: at('starts_at'),
    endsAt: at('ends_at'),
    usageLimit: integer('usage_limit'),
    timesUsed: integer('times_used').notNull().default(0),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('discounts_code_key').on(sql`lower(${t.code})`),
    check('discounts_kind_check', sql`${t.kind} IN ${sqlList(discountKinds)}`),
    check(
      'discounts_value_check',
      sql`${t.value} > 0 AND (${t.kind} <> 'percent' OR ${t.value} <= 100)`,
    ),
    check('discounts_min_subtotal_check', sql`${t.minSubtotal} >= 0`),
    check(
      'discounts_usage_check',
      sql`${t.timesUsed} >= 0 AND (${t.usageLimit} IS NULL OR ${t.timesUsed} <= ${t.usageLimit})`,
    ),
    check(
      'discounts_window_check',
      sql`${t.startsAt} IS NULL OR ${t.endsAt} IS NULL OR ${t.startsAt} < ${t.endsAt}`,
    ),
  ],
);

/**
 * One row per order that used a code; the unique indexes make it one use per account and per
 * mailbox (`emailKey`).
 */
export const discountRedemptions = pgTable(
  'discount_redemptions',
  {
    id: id(),
    discountId: uuid('discount_id')
      .notNull()
      .references(() => discounts.id),
    orderId: uuid('order_id').notNull(),
    /** The order's email as given. */
    email: text('email').notNull(),
    /**
     * The mailbox the email reaches (`mailbox-key.ts`): one customer however the address is written.
     * Null only on a redemption recorded before keys by another address of a mailbox that had
     * already used the code (the earlier row holds that mailbox's use).
     */
    emailKey: text('email_key'),
    userId: uuid('user_id'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('discount_redemptions_mailbox_key')
      .on(t.discountId, t.emailKey)
      .where(sql`${t.emailKey} IS NOT NULL`),
    uniqueIndex('discount_redemptions_user_key')
      .on(t.discountId, t.userId)
      .where(sql`${t.userId} IS NOT NULL`),
    index('discount_redemptions_order_idx').on(t.orderId),
  ],
);

/**
 * Sales tax / VAT in basis points (825 = 8.25 %) per country, and per region where it differs; the
 * region '' row is the country's rate. See docs/pricing.md for how it is applied and rounded.
 */
export const taxRates = pgTable(
  'tax_rates',
  {
    country: char('country', { length: 2 }).notNull(),
    region: text('region').notNull().default(''),
    name: text('name').notNull(),
    rateBasisPoints: integer('rate_bp').notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.country, t.region] }),
    check('tax_rates_rate_check', sql`${t.rateBasisPoints} >= 0 AND ${t.rateBasisPoints} <= 5000`),
  ],
);
