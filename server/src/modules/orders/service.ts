import { sql } from 'drizzle-orm';
import { writeEvent } from '../../platform/bus/outbox.js';
import { inTransaction, type Context, type TxContext } from '../../platform/context.js';
import type { Db } from '../../platform/db/index.js';
import { InvalidTransition, NotFound, Unauthenticated } from '../../platform/errors.js';
import { decodeIdCursor, pageOf } from '../../platform/id-cursor.js';
import { recordAudit } from '../../platform/audit/record.js';
import type { InventoryService, StockLine } from '../inventory/index.js';
import { sendEmail } from '../../platform/email-request.js';
import type { paymentFailed, PaymentService, paymentSucceeded } from '../payments/index.js';
import type { PricingService } from '../pricing/index.js';
import { orderCancelled, orderFulfilled, orderRefunded, type CancelReason } from './events.js';
import * as repository from './repository.js';
import type { AdminListOrdersQuery } from './schemas.js';
import { move, note, type Who } from './moves.js';
import { createPaymentUpdates } from './payment-updates.js';
import { refundableStatuses } from './status.js';
import { toHistory, toOrder, toSummary, type AccessTokens } from './view.js';

export interface OrderServiceDeps {
  db: Db;
  inventory: InventoryService;
  pricing: PricingService;
  payments: PaymentService;
  accessTokens: AccessTokens;
}

type PaymentSuccess = typeof paymentSucceeded.schema._output;
type PaymentFailure = typeof paymentFailed.schema._output;

const who = (ctx: Context): Who =>
  ctx.actor?.role === 'admin' ? 'admin' : ctx.actor ? 'customer' : 'guest';

const stockLines = (row: repository.OrderRow): StockLine[] =>
  row.lines.map((l) => ({ variantId: l.variantId, sku: l.sku, quantity: l.quantity }));

/** A date alone in `to` means up to the end of that day. */
const endOf = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(new Date(`${value}T00:00:00Z`).getTime() + 86_400_000)
    : new Date(value);

/**
 * Orders after checkout: reading them (owner, guest token, admin), moving them through the status
 * machine, and expiring unpaid ones. Every move is checked by `assertTransition` and applied with a
 * conditional update under the order's row lock, with its stock and discount effects and its event in
 * the same transaction.
 */
export function createOrderService(deps: OrderServiceDeps) {
  const { db } = deps;

  /** The order if this context may see it: its owner, an admin, or a holder of its guest token. */
  function visible(ctx: Context, row: repository.OrderRow | null, token?: string) {
    if (!row) throw new NotFound('No such order.');
    const owner = ctx.actor !== null && row.userId !== null && ctx.actor.id === row.userId;
    const admin = ctx.actor?.role === 'admin';
    if (owner || admin || deps.accessTokens.matches(row.id, token, row.accessTokenHash)) return row;
    throw new NotFound('No such order.');
  }

  async function cancelLocked(ctx: TxContext, row: repository.OrderRow, reason: CancelReason) {
    const actor: Who = reason === 'customer' || reason === 'admin' ? reason : 'system';
    await move(ctx, row, 'cancelled', actor, reason);
    if (row.status === 'pending_payment') {
      await deps.inventory.release(ctx, stockLines(row), row.id);
      await deps.pricing.discounts.release(ctx, row.id);
      await deps.payments.recordCancelled(ctx, row.id);
    } else {
      // Paid: the units were committed; they go back on the shelf, and the money back to the buyer.
      await deps.inventory.restock(ctx, stockLines(row), row.id);
      await refundLocked(ctx, row, undefined, 'cancelled');
    }
    await writeEvent(ctx.tx, orderCancelled, {
      orderId: row.id,
      number: row.number,
      testMode: row.testMode,
      email: row.email,
      previousStatus: row.status,
      reason,
      refundDue: row.status !== 'pending_payment',
    });
  }

  /** Record a refund and its event; the caller holds the order's lock and moves its status. */
  async function refundLocked(
    ctx: TxContext,
    row: repository.OrderRow,
    amount: number | undefined,
    reason: 'admin' | 'cancelled' | 'late_payment',
  ) {
    const refund = await deps.payments.requestRefund(ctx, { orderId: row.id, amount, reason });
    await writeEvent(ctx.tx, orderRefunded, {
      orderId: row.id,
      number: row.number,
      email: row.email,
      refundId: refund.id,
      amount: { amount: refund.amount, currency: refund.currency },
      full: refund.full,
      reason,
    });
    return refund;
  }

  async function lockedOrder(ctx: TxContext, id: string, token?: string) {
    return visible(ctx, await repository.findOrder(ctx.tx, id, true), token);
  }

  const paymentUpdates = createPaymentUpdates({
    payments: deps.payments,
    cancelUnpaid: (ctx, row) => cancelLocked(ctx, row, 'payment_cancelled'),
  });

  const reload = async (ctx: Context, id: string) => {
    const row = await repository.findOrder(ctx.tx ?? db, id);
    if (!row) throw new NotFound('No such order.');
    return row;
  };

  return {
    ...paymentUpdates,

    /** `returnOrigin`: where the shopper's browser is, should an intent be made now. */
    async get(ctx: Context, id: string, token?: string, returnOrigin?: string) {
      const order = toOrder(visible(ctx, await repository.findOrder(ctx.tx ?? db, id), token));
      if (order.status !== 'pending_payment' || order.payment.clientSecret) return order;
      // The provider could not be reached at checkout: ask again now.
      const clientSecret = await deps.payments.ensureIntent(ctx, id, returnOrigin);
      return clientSecret ? { ...order, payment: { ...order.payment, clientSecret } } : order;
    },

    async listOwn(ctx: Context, options: { limit: number; cursor?: string | undefined }) {
      if (!ctx.actor) throw new Unauthenticated();
      const after = options.cursor ? decodeIdCursor(options.cursor) : undefined;
      const page = pageOf(
        await repository.listByUser(ctx.tx ?? db, ctx.actor.id, after, options.limit),
        options.limit,
      );
      return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
    },

    /** The owner, a guest with the token, or an admin; unpaid orders release their stock at once. */
    async cancel(ctx: Context, id: string, token?: string) {
      await inTransaction(db, ctx, async (tx) => {
        const row = await lockedOrder(tx, id, token);
        await cancelLocked(tx, row, who(ctx) === 'admin' ? 'admin' : 'customer');
      });
      return toOrder(await reload(ctx, id));
    },

    async fulfil(ctx: Context, id: string, shipment: { carrier: string; trackingNumber: string }) {
      await inTransaction(db, ctx, async (tx) => {
        const row = await lockedOrder(tx, id);
        await move(
          tx,
          row,
          'fulfilled',
          'admin',
          `${shipment.carrier} ${shipment.trackingNumber}`,
          sql`, carrier = ${shipment.carrier}, tracking_number = ${shipment.trackingNumber}`,
        );
        await writeEvent(tx.tx, orderFulfilled, {
          orderId: row.id,
          number: row.number,
          testMode: row.testMode,
          email: row.email,
          ...shipment,
        });
      });
      return toOrder(await reload(ctx, id));
    },

    async markDelivered(ctx: Context, id: string) {
      await inTransaction(db, ctx, async (tx) => {
        await move(tx, await lockedOrder(tx, id), 'delivered', 'admin');
      });
      return toOrder(await reload(ctx, id));
    },

    /**
     * Payment confirmed: the reserved units are committed and the payment recorded. Returns false
     * when the order can no longer be paid (expired or cancelled meanwhile), so the caller refunds
     * instead of losing the money.
     */
    async markPaid(
      ctx: TxContext,
      id: string,
      payment: { reference: string; paymentMethod: string | null } = {
        reference: '',
        paymentMethod: null,
      },
    ): Promise<boolean> {
      const row = await repository.findOrder(ctx.tx, id, true);
      if (!row) throw new NotFound('No such order.');
      if (row.status !== 'pending_payment') return false;
      await move(ctx, row, 'paid', 'system', 'payment confirmed');
      await deps.inventory.commit(ctx, stockLines(row), row.id);
      await deps.payments.recordSuccess(ctx, row.id, payment);
      return true;
    },

    /**
     * The provider collected the money (the `payment_success` consumer, in its inbox transaction,
     * under the order's row lock). A payable order becomes paid, with a receipt. Money for an order
     * that expired or was cancelled meanwhile, or that does not match its total, is refunded in the
     * same transaction, never kept and never lost.
     */
    async applyPaymentSuccess(
      ctx: TxContext,
      data: PaymentSuccess,
    ): Promise<'paid' | 'refunded' | 'already_paid'> {
      const row = await repository.findOrder(ctx.tx, data.orderId, true);
      if (!row) throw new NotFound('No such order.');
      const matches = data.amount.amount === row.total && data.amount.currency === row.currency;
      const details = { reference: data.reference, paymentMethod: data.paymentMethod };
      if (row.status === 'pending_payment' && matches) {
        await this.markPaid(ctx, row.id, details);
        await writeEvent(ctx.tx, sendEmail, {
          to: row.email,
          template: 'payment_receipt',
          data: {
            orderId: row.id,
            number: row.number,
            testMode: row.testMode,
            amount: data.amount,
            paidAt: new Date().toISOString(),
            ...(data.paymentMethod ? { paymentMethod: data.paymentMethod } : {}),
          },
        });
        return 'paid';
      }
      if (
        row.payment?.status !== 'pending' &&
        row.payment?.status !== 'failed' &&
        row.payment?.status !== 'cancelled' &&
        row.payment?.status !== 'processing'
      ) {
        // This payment was recorded already (the provider sent the success under two event ids).
        return 'already_paid';
      }
      await deps.payments.recordSuccess(ctx, row.id, details);
      await note(
        ctx,
        row,
        'system',
        matches
          ? 'payment arrived after the order closed: refunded'
          : 'payment amount did not match the order: refunded',
      );
      await refundLocked(ctx, row, undefined, 'late_payment');
      return 'refunded';
    },

    /** A declined attempt: noted on the order's timeline and emailed; the order stays payable. */
    async applyPaymentFailure(ctx: TxContext, data: PaymentFailure): Promise<boolean> {
      const row = await repository.findOrder(ctx.tx, data.orderId, true);
      if (!row || row.status !== 'pending_payment') return false;
      if (
        !(await deps.payments.recordDecline(ctx, row.id, {
          code: data.failureCode,
          message: data.failureMessage,
        }))
      ) {
        return false;
      }
      await note(ctx, row, 'system', `payment declined (${data.failureCode})`);
      await writeEvent(ctx.tx, sendEmail, {
        to: row.email,
        template: 'payment_failed',
        data: {
          orderId: row.id,
          number: row.number,
          testMode: row.testMode,
          amount: data.amount,
          reason: data.failureMessage,
          payBy: new Date(row.paymentDueAt).toISOString(),
        },
      });
      return true;
    },

    /**
     * An admin's refund, full or partial, of a paid order: recorded and asked of the provider. The
     * order becomes refunded or partially refunded only when the provider has made it
     * (`refund-outcomes.ts`).
     */
    async refund(ctx: Context, id: string, amount?: number) {
      await inTransaction(db, ctx, async (tx) => {
        const row = await lockedOrder(tx, id);
        if (!refundableStatuses.includes(row.status)) {
          throw new InvalidTransition(row.status, 'refunded');
        }
        const refund = await refundLocked(tx, row, amount, 'admin');
        await note(tx, row, 'admin', `refund of ${refund.amount} ${refund.currency} asked for`);
        await recordAudit(tx, {
          action: 'order.refund',
          target: `order:${row.id}`,
          before: { status: row.status },
          after: { refundId: refund.id, amount: refund.amount, currency: refund.currency },
        });
      });
      return this.adminGet(ctx, id);
    },

    /**
     * Cancel unpaid orders past their deadline, up to `limit`, each in its own short transaction:
     * one order's stock rows are locked in variant order and released before the next order is
     * touched, so the sweep never holds one order's rows while waiting for another's (which could
     * deadlock with a checkout), and one order that cannot be cancelled does not hold back the rest.
     * Orders are claimed with SKIP LOCKED and moved conditionally, so several workers running this
     * at once release each order's stock once. Due now, or as of `asOf` (a later moment, for tests
     * that would otherwise wait for the deadline).
     */
    async expireDue(ctx: Context, limit = 50, asOf?: Date): Promise<number> {
      let expired = 0;
      for (; expired < limit; expired++) {
        const found = await inTransaction(db, ctx, async (tx) => {
          const [id] = await repository.claimExpired(tx.tx, 1, asOf);
          if (!id) return false;
          const row = await repository.findOrder(tx.tx, id);
          if (row?.status === 'pending_payment') await cancelLocked(tx, row, 'expired');
          return true;
        });
        if (!found) break;
      }
      return expired;
    },

    async adminList(ctx: Context, query: AdminListOrdersQuery) {
      const after = query.cursor ? decodeIdCursor(query.cursor) : undefined;
      const rows = await repository.listForAdmin(
        ctx.tx ?? db,
        {
          status: query.status,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? endOf(query.to) : undefined,
          email: query.email,
          number: query.number,
        },
        after,
        query.limit,
      );
      const page = pageOf(rows, query.limit);
      return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
    },

    /** One customer's orders, newest first, for the store team. */
    async adminListForUser(
      ctx: Context,
      userId: string,
      options: { limit: number; cursor?: string | undefined },
    ) {
      const after = options.cursor ? decodeIdCursor(options.cursor) : undefined;
      const page = pageOf(
        await repository.listByUser(ctx.tx ?? db, userId, after, options.limit),
        options.limit,
      );
      return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
    },

    async adminGet(ctx: Context, id: string) {
      const row = await reload(ctx, id);
      const history = await repository.orderHistory(ctx.tx ?? db, id);
      const payment = await deps.payments.forOrder(ctx, id);
      return {
        ...toOrder(row),
        userId: row.userId,
        history: toHistory(history),
        refunds: payment.refunds,
        disputes: payment.disputes,
        paymentEvents: payment.events,
      };
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
