import type { Logger } from 'pino';
import { consume, type DeliveryOnce } from '../../platform/bus/consumer.js';
import type { EventType } from '../../platform/bus/events.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import type { Db } from '../../platform/db/index.js';
import {
  paymentCanceled,
  paymentDisputed,
  paymentFailed,
  paymentProcessing,
  paymentSucceeded,
  refundFailed,
  refundSucceeded,
} from '../payments/index.js';
import type { DisputeOutcomes } from './dispute-outcomes.js';
import type { RefundOutcomes } from './refund-outcomes.js';
import type { OrderService } from './service.js';

/**
 * The orders module's consumers: the provider's verdicts on payments and refunds applied to orders, each in its inbox
 * transaction under the order's row lock, so a redelivered message has no second effect.
 */
export async function startOrderConsumers(
  deps: { db: Db; bus: MessageBus; logger: Logger },
  orders: OrderService,
  outcomes: RefundOutcomes & DisputeOutcomes,
): Promise<Subscription[]> {
  const applyOnce = <Data>(
    name: string,
    event: EventType<string, Data>,
    handler: (delivery: DeliveryOnce<Data>) => Promise<unknown>,
  ) =>
    consume(deps.bus, { name, events: [event], inbox: deps.db }, async (delivery) => {
      await handler(delivery);
    });
  return [
    await applyOnce('orders-payment-success', paymentSucceeded, async ({ ctx, data }) => {
      const outcome = await orders.applyPaymentSuccess(ctx, data);
      if (outcome !== 'paid')
        deps.logger.info({ orderId: data.orderId, outcome }, 'payment not applied to the order');
    }),
    await applyOnce('orders-payment-failed', paymentFailed, async ({ ctx, data }) => {
      await orders.applyPaymentFailure(ctx, data);
    }),
    await applyOnce('orders-payment-processing', paymentProcessing, async ({ ctx, data }) => {
      await orders.applyPaymentProcessing(ctx, data);
    }),
    await applyOnce('orders-payment-canceled', paymentCanceled, async ({ ctx, data }) => {
      await orders.applyPaymentCanceled(ctx, data);
    }),
    await applyOnce('orders-payment-disputed', paymentDisputed, ({ ctx, data }) =>
      outcomes.applyDispute(ctx, data),
    ),
    await applyOnce('orders-refund-succeeded', refundSucceeded, ({ ctx, data }) =>
      outcomes.applyRefundSucceeded(ctx, data),
    ),
    await applyOnce('orders-refund-failed', refundFailed, ({ ctx, data }) =>
      outcomes.applyRefundFailed(ctx, data),
    ),
  ];
}
