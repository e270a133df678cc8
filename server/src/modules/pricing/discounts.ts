import { sql } from 'drizzle-orm';
import type { Context, TxContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { recordAudit } from '../../platform/audit/record.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import { decodeIdCursor, pageOf } from '../../platform/id-cursor.js';
import { Conflict, NotFound, Unprocessable, ValidationFailed } from '../../platform/errors.js';
import { mailboxKey } from './mailbox-key.js';
import type { DiscountRule } from './rules.js';
import type { DiscountKind } from './tables.js';

export interface DiscountRow {
  id: string;
  code: string;
  kind: DiscountKind;
  value: number;
  currency: string;
  min_subtotal: number;
  starts_at: Date | string | null;
  ends_at: Date | string | null;
  usage_limit: number | null;
  times_used: number;
  active: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

export type DiscountRefusal =
  | 'unknown'
  | 'inactive'
  | 'not_started'
  | 'expired'
  | 'minimum_not_met'
  | 'usage_limit_reached'
  | 'already_used'
  | 'wrong_currency';

const refusalDetail: Record<DiscountRefusal, string> = {
  unknown: 'There is no such discount code.',
  inactive: 'This discount code is no longer active.',
  not_started: 'This discount code is not valid yet.',
  expired: 'This discount code has expired.',
  minimum_not_met: 'The order does not reach this code’s minimum subtotal.',
  usage_limit_reached: 'This discount code has been used up.',
  already_used: 'This discount code has already been used for this customer.',
  wrong_currency: 'This discount code is for another currency.',
};

/** 422 `invalid_discount`, with a machine-readable `reason`. */
export class InvalidDiscount extends Unprocessable {
  constructor(readonly reason: DiscountRefusal) {
    super('invalid_discount', refusalDetail[reason], { reason });
  }
}

export interface Redeemer {
  email?: string | undefined;
  userId?: string | null | undefined;
}

export const ruleOf = (row: DiscountRow): DiscountRule => ({ kind: row.kind, value: row.value });

const time = (value: Date | string | null) => (value === null ? null : new Date(value).getTime());

/** Every rule but the per-customer one, on a row already read. */
function refusalOf(
  row: DiscountRow,
  subtotal: number,
  currency: string,
  now: Date,
): DiscountRefusal | null {
  if (!row.active) return 'inactive';
  const starts = time(row.starts_at);
  const ends = time(row.ends_at);
  if (starts !== null && now.getTime() < starts) return 'not_started';
  if (ends !== null && now.getTime() >= ends) return 'expired';
  if (row.kind === 'fixed' && row.currency !== currency) return 'wrong_currency';
  if (subtotal < row.min_subtotal) return 'minimum_not_met';
  if (row.usage_limit !== null && row.times_used >= row.usage_limit) return 'usage_limit_reached';
  return null;
}

/**
 * Whether this customer used the code: by the mailbox their email reaches (`alice+1@…` is
 * `alice@…`; at Gmail, `a.lice@…` too) or by their account, whichever address its orders gave.
 */
async function usedBy(db: Queryable, discountId: string, who: Redeemer): Promise<boolean> {
  if (!who.email && !who.userId) return false;
  const rows = await queryRows(
    db,
    sql`SELECT 1 FROM discount_redemptions
        WHERE discount_id = ${discountId}::uuid
          AND (${who.email ? sql`email_key = ${mailboxKey(who.email)}` : sql`FALSE`}
               OR ${who.userId ? sql`user_id = ${who.userId}::uuid` : sql`FALSE`})
        LIMIT 1`,
  );
  return rows.length > 0;
}

export function createDiscounts(deps: { db: Db; now: () => Date }) {
  const { db } = deps;

  const byCode = async (q: Queryable, code: string, lock = false) =>
    (
      await queryRows<DiscountRow>(
        q,
        sql`SELECT * FROM discounts WHERE lower(code) = ${code.trim().toLowerCase()}
            ${lock ? sql`FOR UPDATE` : sql``}`,
      )
    )[0];

  return {
    /** The code's discount if it applies to this subtotal and customer; `InvalidDiscount` otherwise. */
    async check(
      ctx: Context,
      code: string,
      order: { subtotal: number; currency: string } & Redeemer,
    ): Promise<DiscountRow> {
      const q = ctx.tx ?? db;
      const row = await byCode(q, code);
      if (!row) throw new InvalidDiscount('unknown');
      const refusal = refusalOf(row, order.subtotal, order.currency, deps.now());
      if (refusal) throw new InvalidDiscount(refusal);
      if (await usedBy(q, row.id, order)) throw new InvalidDiscount('already_used');
      return row;
    },

    /**
     * Count one use, inside the order's transaction. The row lock makes concurrent redemptions of one
     * code run one at a time, so of two shoppers racing for the last use exactly one gets it.
     */
    async redeem(
      ctx: TxContext,
      code: string,
      order: { orderId: string; subtotal: number; currency: string; email: string } & Redeemer,
    ): Promise<DiscountRow> {
      const row = await byCode(ctx.tx, code, true);
      if (!row) throw new InvalidDiscount('unknown');
      const refusal = refusalOf(row, order.subtotal, order.currency, deps.now());
      if (refusal) throw new InvalidDiscount(refusal);
      if (await usedBy(ctx.tx, row.id, order)) throw new InvalidDiscount('already_used');
      await ctx.tx.execute(
        sql`UPDATE discounts SET times_used = times_used + 1, updated_at = now() WHERE id = ${row.id}::uuid`,
      );
      await ctx.tx.execute(sql`
        INSERT INTO discount_redemptions (discount_id, order_id, email, email_key, user_id)
        VALUES (${row.id}::uuid, ${order.orderId}::uuid, ${order.email}, ${mailboxKey(order.email)},
                ${order.userId ?? null})`);
      return row;
    },

    /** An order that is cancelled before payment gives its use of a code back. */
    async release(ctx: TxContext, orderId: string): Promise<void> {
      const released = await queryRows<{ discount_id: string }>(
        ctx.tx,
        sql`DELETE FROM discount_redemptions WHERE order_id = ${orderId}::uuid RETURNING discount_id`,
      );
      for (const { discount_id } of released) {
        await ctx.tx.execute(
          sql`UPDATE discounts SET times_used = times_used - 1, updated_at = now()
              WHERE id = ${discount_id}::uuid AND times_used > 0`,
        );
      }
    },

    async create(ctx: Context, input: DiscountInput): Promise<DiscountRow> {
      assertWindow(input.startsAt, input.endsAt);
      return inTransaction(db, ctx, async (txCtx) => {
        const { tx } = txCtx;
        const [row] = await queryRows<DiscountRow>(
          tx,
          sql`INSERT INTO discounts (code, kind, value, currency, min_subtotal, starts_at, ends_at, usage_limit, active)
              VALUES (${input.code.trim()}, ${input.kind}, ${input.value}, ${input.currency}, ${input.minSubtotal},
                      ${input.startsAt ?? null}, ${input.endsAt ?? null}, ${input.usageLimit ?? null}, ${input.active})
              ON CONFLICT DO NOTHING RETURNING *`,
        );
        if (!row) {
          throw new Conflict('discount_code_taken', `The code ${input.code} is already in use.`);
        }
        await recordAudit(txCtx, {
          action: 'discount.create',
          target: `discount:${row.id}`,
          after: row,
        });
        return row;
      });
    },

    async get(ctx: Context, id: string): Promise<DiscountRow> {
      const [row] = await queryRows<DiscountRow>(
        ctx.tx ?? db,
        sql`SELECT * FROM discounts WHERE id = ${id}::uuid`,
      );
      if (!row) throw new NotFound('No such discount.');
      return row;
    },

    async list(
      ctx: Context,
      options: { limit: number; cursor?: string | undefined; q?: string | undefined },
    ) {
      const after = options.cursor ? decodeIdCursor(options.cursor) : undefined;
      const rows = await queryRows<DiscountRow>(
        ctx.tx ?? db,
        sql`SELECT * FROM discounts
            WHERE ${options.q ? sql`lower(code) LIKE ${`%${options.q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`}` : sql`TRUE`}
              ${after ? sql`AND id < ${after}::uuid` : sql``}
            ORDER BY id DESC LIMIT ${options.limit + 1}`,
      );
      return pageOf(rows, options.limit);
    },

    /**
     * Change a code. Once used, what it takes off can no longer change (orders already show it); it
     * can still be deactivated, given another window or another limit.
     */
    async update(ctx: Context, id: string, patch: DiscountPatch): Promise<DiscountRow> {
      return inTransaction(db, ctx, async (txCtx) => {
        const { tx } = txCtx;
        const [current] = await queryRows<DiscountRow>(
          tx,
          sql`SELECT * FROM discounts WHERE id = ${id}::uuid FOR UPDATE`,
        );
        if (!current) throw new NotFound('No such discount.');
        const changesTerms =
          (patch.value !== undefined && patch.value !== current.value) ||
          (patch.minSubtotal !== undefined && patch.minSubtotal !== current.min_subtotal);
        if (changesTerms && current.times_used > 0) {
          throw new Conflict(
            'discount_in_use',
            'This code has been used: deactivate it and create another instead of changing its terms.',
          );
        }
        const value = patch.value ?? current.value;
        if (current.kind === 'percent' && value > 100) {
          throw new ValidationFailed([{ path: 'body.value', message: 'must be at most 100 %' }]);
        }
        const startsAt = patch.startsAt === undefined ? current.starts_at : patch.startsAt;
        const endsAt = patch.endsAt === undefined ? current.ends_at : patch.endsAt;
        assertWindow(startsAt, endsAt);
        const usageLimit = patch.usageLimit === undefined ? current.usage_limit : patch.usageLimit;
        if (usageLimit !== null && usageLimit < current.times_used) {
          throw new Conflict(
            'below_usage',
            `This code has been used ${current.times_used} times; the limit cannot be lower.`,
          );
        }
        const [row] = await queryRows<DiscountRow>(
          tx,
          sql`UPDATE discounts SET value = ${value},
                min_subtotal = ${patch.minSubtotal ?? current.min_subtotal},
                starts_at = ${startsAt === null ? null : new Date(startsAt)},
                ends_at = ${endsAt === null ? null : new Date(endsAt)},
                usage_limit = ${usageLimit}, active = ${patch.active ?? current.active}, updated_at = now()
              WHERE id = ${id}::uuid RETURNING *`,
        );
        await recordAudit(txCtx, {
          action: 'discount.update',
          target: `discount:${id}`,
          before: current,
          after: row,
        });
        return row as DiscountRow;
      });
    },
  };
}

export interface DiscountInput {
  code: string;
  kind: DiscountKind;
  value: number;
  currency: string;
  minSubtotal: number;
  startsAt?: Date | undefined;
  endsAt?: Date | undefined;
  usageLimit?: number | undefined;
  active: boolean;
}

export interface DiscountPatch {
  value?: number | undefined;
  minSubtotal?: number | undefined;
  startsAt?: Date | null | undefined;
  endsAt?: Date | null | undefined;
  usageLimit?: number | null | undefined;
  active?: boolean | undefined;
}

function assertWindow(
  startsAt: Date | string | null | undefined,
  endsAt: Date | string | null | undefined,
) {
  if (startsAt && endsAt && new Date(startsAt).getTime() >= new Date(endsAt).getTime()) {
    throw new ValidationFailed([{ path: 'body.endsAt', message: 'must be after startsAt' }]);
  }
}

export type Discounts = ReturnType<typeof createDiscounts>;
