import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { writeEvent } from '../../platform/bus/outbox.js';
import type { TxContext } from '../../platform/context.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import type { Row } from '../../platform/db/rows.js';
import { Conflict, Unprocessable } from '../../platform/errors.js';
import { refundFailed, refundSucceeded } from './events.js';
import { ProviderRefused, type PaymentProvider } from './provider.js';
import { payments, refunds } from './tables.js';

export interface RefundRequest {
  orderId: string;
  /** Minor units; all that remains when omitted. */
  amount?: number | undefined;
  reason: 'admin' | 'cancelled' | 'late_payment';
}

/**
 * Why a refund was made: an admin's, a paid order's cancellation, a payment that came after its
 * order closed, or money given back at the provider (its dashboard) that the store recorded.
 */
export type RefundReason = RefundRequest['reason'] | 'provider';

type RefundRow = Row<
  typeof refunds,
  'id' | 'order_id' | 'payment_id' | 'amount' | 'currency' | 'reason'
>;

/**
 * Refunds: recorded in the caller's transaction, sent to the provider afterwards, and settled only
 * by the provider's answer. A refund the provider makes adds to the payment's refunded amount and
 * writes `refund_succeeded`; one it refuses for good is `failed` with its reason and writes
 * `refund_failed`; one it could not answer stays pending and is sent again (the bus, then the
 * `retry-pending-refunds` job). The order and the shopper hear only of what the provider did.
 */
export function createRefunds(deps: { db: Db; provider: PaymentProvider; logger: Logger }) {
  const { db, provider, logger } = deps;

  /** The money of a refund the provider made, on the payment, with its event (in `tx`). */
  async function settle(tx: Queryable, refund: RefundRow) {
    const [payment] = await queryRows<Row<typeof payments, 'amount' | 'amount_refunded'>>(
      tx,
      sql`UPDATE payments SET amount_refunded = amount_refunded + ${refund.amount},
                              status = CASE WHEN amount_refunded + ${refund.amount} >= amount
                                            THEN 'refunded' ELSE 'partially_refunded' END,
                              updated_at = now()
          WHERE id = ${refund.payment_id}::uuid RETURNING amount, amount_refunded`,
    );
    if (!payment) throw new Error(`refund ${refund.id} has no payment`);
    await writeEvent(tx, refundSucceeded, {
      orderId: refund.order_id,
      refundId: refund.id,
      amount: { amount: refund.amount, currency: refund.currency.trim() },
      reason: refund.reason,
      full: payment.amount_refunded >= payment.amount,
    });
  }

  /**
   * Record what the provider has given back on a payment and the store has not (a refund made in
   * the provider's dashboard): all the provider reports (`provider_amount_refunded`, the highest it
   * has said), less what the store recorded as made and what its pending refunds will take, which
   * the provider may have made already. Cumulative, so repeated, late or out-of-order reports
   * record each amount once; run again when a pending refund fails, as its amount was held back.
   */
  async function reconcile(tx: Queryable, paymentId: string, reported?: number) {
    const [payment] = await queryRows<
      Row<
        typeof payments,
        'order_id' | 'amount' | 'currency' | 'amount_refunded' | 'provider_amount_refunded'
      > & { /** The sum of its pending refunds. */ pending: number }
    >(
      tx,
      sql`UPDATE payments SET provider_amount_refunded = greatest(provider_amount_refunded, ${reported ?? 0})
          WHERE id = ${paymentId}::uuid
          RETURNING order_id, amount, currency, amount_refunded, provider_amount_refunded,
                    (SELECT coalesce(sum(r.amount), 0)::int FROM refunds r
                      WHERE r.payment_id = payments.id AND r.status = 'pending') AS pending`,
    );
    if (!payment) return;
    const unrecorded = Math.min(
      payment.provider_amount_refunded - payment.amount_refunded - payment.pending,
      payment.amount - payment.amount_refunded - payment.pending,
    );
    if (unrecorded <= 0) return;
    const [refund] = await queryRows<RefundRow>(
      tx,
      sql`INSERT INTO refunds (id, order_id, payment_id, amount, currency, status, reason, attempts)
          VALUES (${randomUUID()}::uuid, ${payment.order_id}::uuid, ${paymentId}::uuid, ${unrecorded},
                  ${payment.currency}, 'succeeded', 'provider', 0)
          RETURNING id, order_id, payment_id, amount, currency, reason`,
    );
    if (refund) await settle(tx, refund);
    logger.info(
      { orderId: payment.order_id, amount: unrecorded },
      'recorded a refund made at the provider',
    );
  }

  /** The provider made it (once: only a pending refund moves). */
  const succeeded = (refundId: string, reference: string) =>
    db.transaction(async (tx) => {
      const [refund] = await queryRows<RefundRow>(
        tx,
        sql`UPDATE refunds SET status = 'succeeded', provider_reference = ${reference},
                               attempts = attempts + 1, last_error = NULL, updated_at = now()
            WHERE id = ${refundId}::uuid AND status = 'pending'
            RETURNING id, order_id, payment_id, amount, currency, reason`,
      );
      if (refund) await settle(tx, refund);
    });

  /** The provider said no for good: nothing went back, and the order's people are told why. */
  const refused = (refundId: string, reason: string) =>
    db.transaction(async (tx) => {
      const [refund] = await queryRows<RefundRow>(
        tx,
        sql`UPDATE refunds SET status = 'failed', failure_reason = ${reason.slice(0, 500)},
                               attempts = attempts + 1, updated_at = now()
            WHERE id = ${refundId}::uuid AND status = 'pending'
            RETURNING id, order_id, payment_id, amount, currency, reason`,
      );
      if (!refund) return;
      logger.warn({ refundId, orderId: refund.order_id, reason }, 'the provider refused a refund');
      // Its amount is no longer held back: money the provider reports beyond the store's may now be
      // recorded (a refund made in its dashboard is often why it refused).
      await reconcile(tx, refund.payment_id);
      await writeEvent(tx, refundFailed, {
        orderId: refund.order_id,
        refundId: refund.id,
        amount: { amount: refund.amount, currency: refund.currency.trim() },
        reason: refund.reason,
        failureReason: reason,
      });
    });

  /**
   * Ask the provider for a recorded refund, and record its answer. Safe to repeat: the refund's id
   * is the provider's idempotency key, and only a pending refund is sent or settled. A refusal
   * settles it as failed; a provider that could not answer throws, so the bus (or the retry job)
   * tries again.
   */
  async function executeRefund(refundId: string): Promise<'sent' | 'refused' | 'not_pending'> {
    // `reference` is the payment's provider_reference, renamed.
    const [refund] = await queryRows<
      Row<typeof refunds, 'amount' | 'currency'> & {
        reference: Row<typeof payments, 'provider_reference'>['provider_reference'];
      }
    >(
      db,
      sql`SELECT r.amount, r.currency, p.provider_reference AS reference
          FROM refunds r JOIN payments p ON p.id = r.payment_id
          WHERE r.id = ${refundId}::uuid AND r.status = 'pending'`,
    );
    if (!refund) return 'not_pending';
    if (!refund.reference) {
      await refused(refundId, 'The payment has no reference at the provider to refund.');
      return 'refused';
    }
    let reference: string;
    try {
      ({ reference } = await provider.refund({
        reference: refund.reference,
        amount: refund.amount,
        currency: refund.currency.trim(),
        idempotencyKey: refundId,
      }));
    } catch (error) {
      if (error instanceof ProviderRefused) {
        await refused(refundId, error.message);
        return 'refused';
      }
      await db.execute(
        sql`UPDATE refunds SET attempts = attempts + 1, last_error = ${String(error).slice(0, 500)}, updated_at = now()
            WHERE id = ${refundId}::uuid`,
      );
      throw error;
    }
    await succeeded(refundId, reference);
    return 'sent';
  }

  return {
    reconcile,
    executeRefund,

    /**
     * Record a refund in the caller's transaction (the caller holds the order's lock and writes
     * the event): never more than what was collected, less what has gone back and what refunds
     * still pending will take.
     */
    async requestRefund(ctx: TxContext, request: RefundRequest) {
      const [payment] = await queryRows<
        Row<typeof payments, 'id' | 'status' | 'amount' | 'currency' | 'amount_refunded'> & {
          /** The sum of its pending refunds. */
          pending: number;
        }
      >(
        ctx.tx,
        sql`SELECT p.id, p.status, p.amount, p.currency, p.amount_refunded,
                   (SELECT coalesce(sum(r.amount), 0)::int FROM refunds r
                     WHERE r.payment_id = p.id AND r.status = 'pending') AS pending
            FROM payments p WHERE p.order_id = ${request.orderId}::uuid
            ORDER BY p.created_at DESC LIMIT 1 FOR UPDATE OF p`,
      );
      if (!payment || !['succeeded', 'partially_refunded'].includes(payment.status)) {
        throw new Conflict('not_paid', 'This order has no collected payment to refund.');
      }
      const refundable = payment.amount - payment.amount_refunded - payment.pending;
      if (refundable <= 0) {
        throw payment.pending > 0
          ? new Conflict('refund_pending', 'The rest of this payment is being refunded already.')
          : new Conflict('already_refunded', 'This payment has been refunded in full.');
      }
      const amount = request.amount ?? refundable;
      if (amount > refundable) {
        throw new Unprocessable(
          'refund_exceeds_payment',
          `At most ${refundable} (minor units) can still be refunded.`,
          { refundable: { amount: refundable, currency: payment.currency.trim() } },
        );
      }
      const id = randomUUID();
      await ctx.tx.execute(
        sql`INSERT INTO refunds (id, order_id, payment_id, amount, currency, status, reason)
            VALUES (${id}::uuid, ${request.orderId}::uuid, ${payment.id}::uuid, ${amount}, ${payment.currency}, 'pending', ${request.reason})`,
      );
      return { id, amount, currency: payment.currency.trim(), full: amount === refundable };
    },

    /** Refunds still pending after `olderThanMs` (their message was lost or dead-lettered): send them. */
    async retryPendingRefunds(olderThanMs = 60_000, limit = 50): Promise<number> {
      const r = refunds;
      const pending = await queryRows<Row<typeof refunds, 'id'>>(
        db,
        sql`SELECT ${r.id} FROM ${r} WHERE ${r.status} = 'pending'
              AND ${r.updatedAt} < now() - ${olderThanMs} * interval '1 millisecond'
            ORDER BY ${r.updatedAt} LIMIT ${limit}`,
      );
      let sent = 0;
      for (const { id } of pending) {
        try {
          if ((await executeRefund(id)) === 'sent') sent++;
        } catch (error) {
          logger.warn({ err: error, refundId: id }, 'refund still not accepted by the provider');
        }
      }
      return sent;
    },
  };
}

export type Refunds = ReturnType<typeof createRefunds>;
