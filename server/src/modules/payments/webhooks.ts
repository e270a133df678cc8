import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { writeEvent } from '../../platform/bus/outbox.js';
import { inTransaction } from '../../platform/context.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import type { Row } from '../../platform/db/rows.js';
import { DomainError, NotFound } from '../../platform/errors.js';
import { recordDispute } from './disputes.js';
import {
  paymentCanceled,
  paymentEventUnmatched,
  paymentFailed,
  paymentProcessing,
  paymentSucceeded,
} from './events.js';
import { InvalidWebhook, type PaymentProvider, type ProviderEvent } from './provider.js';
import type { Refunds } from './refunds.js';
import { payments } from './tables.js';

/** A webhook whose signature or body does not hold up: 400, and nothing changes. */
export class InvalidWebhookSignature extends DomainError {
  constructor(detail: string) {
    super('invalid', 'invalid_webhook_signature', detail);
  }
}

type PaymentEvent = Exclude<ProviderEvent, { type: 'other' }>;

/**
 * The providers' webhooks: verified, recorded once per provider event id, and turned into what
 * they mean in the same transaction (a bus event, or the payments module's own record of a refund
 * or a dispute). Everything that touches an order happens in consumers, so the provider gets its
 * 200 as soon as this commits.
 */
export function createWebhookReceiver(deps: {
  db: Db;
  provider: PaymentProvider;
  refunds: Refunds;
  logger: Logger;
}) {
  const { db, provider, logger } = deps;

  /**
   * The payment a provider event is about: the one whose intent the store created, by the
   * provider's id of it, and nothing else. The intent's metadata names an order too, but an intent
   * the store never made (another integration on the same account, a test, a forgery signed with
   * a leaked secret) must not pay, fail or refund one of its orders.
   */
  async function paymentOf(q: Queryable, reference: string) {
    const p = payments;
    const [payment] = await queryRows<Row<typeof payments, 'id' | 'order_id'>>(
      q,
      sql`SELECT ${p.id}, ${p.orderId} FROM ${p}
          WHERE ${p.provider} = ${provider.name} AND ${p.providerReference} = ${reference}`,
    );
    return payment ?? null;
  }

  /** What an event about one of the store's payments does, in the webhook's transaction. */
  async function apply(
    tx: Queryable,
    event: PaymentEvent,
    payment: { id: string; order_id: string },
  ) {
    const common = {
      orderId: payment.order_id,
      provider: provider.name,
      reference: event.reference,
      providerEventId: event.id,
      amount: { amount: event.amount, currency: event.currency.toUpperCase() },
    };
    switch (event.type) {
      case 'payment_succeeded':
        return writeEvent(tx, paymentSucceeded, { ...common, paymentMethod: event.paymentMethod });
      case 'payment_failed':
        return writeEvent(tx, paymentFailed, {
          ...common,
          failureCode: event.failureCode,
          failureMessage: event.failureMessage,
        });
      case 'payment_processing':
        return writeEvent(tx, paymentProcessing, common);
      case 'payment_canceled':
        return writeEvent(tx, paymentCanceled, {
          ...common,
          cancellationReason: event.cancellationReason,
        });
      case 'payment_refunded':
        return deps.refunds.reconcile(tx, payment.id, event.amountRefunded);
      case 'payment_disputed':
        return recordDispute(
          tx,
          { ...common, paymentId: payment.id, provider: provider.name },
          event,
        );
    }
  }

  return async function receiveWebhook(
    providerName: string,
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ duplicate: boolean }> {
    if (providerName !== provider.name) throw new NotFound('No such payment provider.');
    let event: ProviderEvent;
    try {
      event = provider.parseWebhook(rawBody, headers);
    } catch (error) {
      if (error instanceof InvalidWebhook) throw new InvalidWebhookSignature(error.message);
      throw error;
    }
    return inTransaction(db, { actor: null }, async ({ tx }) => {
      const payment = event.type === 'other' ? null : await paymentOf(tx, event.reference);
      const recorded = await queryRows(
        tx,
        sql`INSERT INTO payment_events (provider, event_id, type, order_id, provider_reference, payload)
            VALUES (${provider.name}, ${event.id}, ${event.type === 'other' ? event.providerType : event.type},
                    ${payment?.order_id ?? null}::uuid, ${event.type === 'other' ? null : event.reference},
                    ${JSON.stringify(event.raw)}::jsonb)
            ON CONFLICT DO NOTHING RETURNING event_id`,
      );
      if (recorded.length === 0) return { duplicate: true };
      if (event.type === 'other') return { duplicate: false };
      if (!payment) {
        // Acknowledged (the provider would retry for days otherwise), kept, and shown to the
        // store team among the events; no order changes.
        logger.warn(
          { eventId: event.id, type: event.type, reference: event.reference },
          'payment event for an intent the store did not create: recorded, not applied',
        );
        await writeEvent(tx, paymentEventUnmatched, {
          provider: provider.name,
          providerEventId: event.id,
          type: event.type,
          reference: event.reference,
          claimedOrderId: event.orderId,
        });
        return { duplicate: false };
      }
      await apply(tx, event, payment);
      return { duplicate: false };
    });
  };
}
