import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Context, TxContext } from '../../platform/context.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import type { Row } from '../../platform/db/rows.js';
import { isLocalOrigin } from '../../platform/local-origin.js';
import { disputesOf } from './disputes.js';
import type { PaymentProvider } from './provider.js';
import { createRefunds } from './refunds.js';
import { createWebhookReceiver } from './webhooks.js';
import { paymentEvents, refunds as refundsTable, type payments } from './tables.js';

export type { RefundRequest } from './refunds.js';
export { InvalidWebhookSignature } from './webhooks.js';

export interface PaymentServiceDeps {
  db: Db;
  provider: PaymentProvider;
  /** Where the provider's page sends the shopper back to: `${publicUrl}/orders/:id/confirmation`. */
  publicUrl: string;
  /**
   * PUBLIC_URL was set: every shopper comes back there. When it was not (development), a shopper
   * comes back to the local address they came from (`ensureIntent`'s `returnOrigin`).
   */
  publicUrlConfigured: boolean;
  logger: Logger;
}

type PaymentRow = Row<
  typeof payments,
  | 'id'
  | 'order_id'
  | 'provider'
  | 'status'
  | 'amount'
  | 'currency'
  | 'client_secret'
  | 'provider_reference'
  | 'amount_refunded'
>;

/**
 * Payments: intents asked of the provider, the provider's webhooks recorded once and turned into
 * bus events, and refunds (recorded in the caller's transaction, sent to the provider afterwards).
 * The order's own status is the orders module's: it consumes `payment_success` / `payment_failed`.
 */
export function createPaymentService(deps: PaymentServiceDeps) {
  const { db, provider, logger } = deps;
  const refunds = createRefunds({ db, provider, logger });

  const paymentOf = async (q: Queryable, orderId: string, lock = false) =>
    (
      await queryRows<PaymentRow>(
        q,
        sql`SELECT id, order_id, provider, status, amount, currency, client_secret, provider_reference, amount_refunded
            FROM payments WHERE order_id = ${orderId}::uuid ORDER BY created_at DESC LIMIT 1
            ${lock ? sql`FOR UPDATE` : sql``}`,
      )
    )[0] ?? null;

  const returnBase = (origin: string | undefined) =>
    !deps.publicUrlConfigured && origin && isLocalOrigin(origin) ? origin : deps.publicUrl;

  return {
    providerName: provider.name,

    /**
     * The client secret the shopper pays with, asking the provider for an intent the first time.
     * Idempotent per order (the payment's id is the provider's idempotency key), so two requests
     * racing here get the same intent. Null when the order is no longer payable or the provider
     * cannot be reached; the next read of the order tries again. `returnOrigin` is where the
     * shopper's browser is (see shopperOrigin): used only without PUBLIC_URL, and only when it is
     * a local address, so the card page never sends anyone to another site.
     */
    async ensureIntent(
      ctx: Context,
      orderId: string,
      returnOrigin?: string,
    ): Promise<string | null> {
      const payment = await paymentOf(ctx.tx ?? db, orderId);
      if (!payment || !['pending', 'failed'].includes(payment.status)) return null;
      if (payment.client_secret) return payment.client_secret;
      try {
        const intent = await provider.createIntent({
          orderId,
          amount: payment.amount,
          currency: payment.currency.trim(),
          idempotencyKey: payment.id,
          returnUrl: `${returnBase(returnOrigin)}/orders/${orderId}/confirmation`,
        });
        await (ctx.tx ?? db).execute(
          sql`UPDATE payments SET client_secret = ${intent.clientSecret}, provider_reference = ${intent.reference},
                                  updated_at = now()
              WHERE id = ${payment.id}::uuid AND client_secret IS NULL`,
        );
        return intent.clientSecret;
      } catch (error) {
        logger.warn({ err: error, orderId }, 'could not create a payment intent; will try again');
        return null;
      }
    },

    receiveWebhook: createWebhookReceiver({ db, provider, refunds, logger }),

    /** The money arrived (in the caller's transaction). Also for an order cancelled meanwhile. */
    async recordSuccess(
      ctx: TxContext,
      orderId: string,
      details: { reference: string; paymentMethod: string | null },
    ) {
      await ctx.tx.execute(
        sql`UPDATE payments SET status = 'succeeded', payment_method = ${details.paymentMethod},
                                provider_reference = coalesce(provider_reference, nullif(${details.reference}, '')),
                                failure_code = NULL, failure_message = NULL, paid_at = now(), updated_at = now()
            WHERE order_id = ${orderId}::uuid AND status IN ('pending', 'failed', 'processing', 'cancelled')`,
      );
    },

    /** The provider has the payment under way; false when it is no longer awaited. */
    async recordProcessing(ctx: TxContext, orderId: string) {
      const rows = await queryRows(
        ctx.tx,
        sql`UPDATE payments SET status = 'processing', failure_code = NULL, failure_message = NULL,
                                updated_at = now()
            WHERE order_id = ${orderId}::uuid AND status IN ('pending', 'failed') RETURNING id`,
      );
      return rows.length > 0;
    },

    /** A declined attempt: noted on the payment, which stays payable. */
    async recordDecline(
      ctx: TxContext,
      orderId: string,
      failure: { code: string; message: string },
    ) {
      const rows = await queryRows(
        ctx.tx,
        sql`UPDATE payments SET status = 'failed', failure_code = ${failure.code},
                                failure_message = ${failure.message}, updated_at = now()
            WHERE order_id = ${orderId}::uuid AND status IN ('pending', 'failed', 'processing') RETURNING id`,
      );
      return rows.length > 0;
    },

    /** An unpaid order was cancelled, or its intent was: its payment will never be collected. */
    async recordCancelled(ctx: TxContext, orderId: string) {
      const rows = await queryRows(
        ctx.tx,
        sql`UPDATE payments SET status = 'cancelled', updated_at = now()
            WHERE order_id = ${orderId}::uuid AND status IN ('pending', 'failed', 'processing')
            RETURNING id`,
      );
      return rows.length > 0;
    },

    requestRefund: refunds.requestRefund,
    executeRefund: refunds.executeRefund,
    retryPendingRefunds: refunds.retryPendingRefunds,

    /** Stop an unpaid, cancelled order's intent from being paid. Best effort. */
    async cancelIntent(orderId: string) {
      const payment = await paymentOf(db, orderId);
      if (!payment?.provider_reference || payment.status !== 'cancelled') return;
      await provider.cancelIntent(payment.provider_reference).catch((error: unknown) => {
        logger.warn({ err: error, orderId }, 'could not cancel the payment intent');
      });
    },

    /** The payment, its refunds and the provider's events, for the admin's view of an order. */
    async forOrder(ctx: Context, orderId: string) {
      const q = ctx.tx ?? db;
      const payment = await paymentOf(q, orderId);
      const r = refundsTable;
      const refundRows = await queryRows<
        Row<
          typeof refundsTable,
          'id' | 'amount' | 'currency' | 'status' | 'reason' | 'failure_reason' | 'created_at'
        >
      >(
        q,
        sql`SELECT ${r.id}, ${r.amount}, ${r.currency}, ${r.status}, ${r.reason}, ${r.failureReason},
                   ${r.createdAt}
            FROM ${r} WHERE ${r.orderId} = ${orderId}::uuid ORDER BY ${r.createdAt}`,
      );
      const e = paymentEvents;
      const events = await queryRows<
        Row<typeof paymentEvents, 'event_id' | 'type' | 'received_at'>
      >(
        q,
        sql`SELECT ${e.eventId}, ${e.type}, ${e.receivedAt} FROM ${e}
            WHERE ${e.orderId} = ${orderId}::uuid ORDER BY ${e.receivedAt}`,
      );
      return {
        payment,
        disputes: await disputesOf(q, orderId),
        refunds: refundRows.map((r) => ({
          id: r.id,
          amount: { amount: r.amount, currency: r.currency.trim() },
          status: r.status,
          reason: r.reason,
          failureReason: r.failure_reason,
          createdAt: new Date(r.created_at).toISOString(),
        })),
        events: events.map((e) => ({
          id: e.event_id,
          type: e.type,
          receivedAt: new Date(e.received_at).toISOString(),
        })),
      };
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
