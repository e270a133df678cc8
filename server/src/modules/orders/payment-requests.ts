import { consume } from '../../platform/bus/consumer.js';
import type { MessageBus, Subscription } from '../../platform/bus/port.js';
import type { PaymentService } from '../payments/index.js';
import { orderCancelled, orderRefunded } from './events.js';

/**
 * What an order's moves ask of the payment provider, after they have committed. Payments come
 * before orders in the module order, so these consumers live with the events they follow and call
 * the payments service, instead of payments subscribing to orders' events.
 */
export function startPaymentRequestConsumers(
  bus: MessageBus,
  payments: PaymentService,
): Promise<Subscription[]> {
  return Promise.all([
    // Refunds are sent to the provider outside any transaction, keyed by the refund's id: a
    // redelivery finds the refund no longer pending, or the provider answers the first refund.
    consume(bus, { name: 'payments-refunds', events: [orderRefunded] }, async ({ data }) => {
      await payments.executeRefund(data.refundId);
    }),
    consume(
      bus,
      { name: 'payments-cancelled-intents', events: [orderCancelled] },
      async ({ data }) => {
        // Not when the provider cancelled the intent itself (that is why the order was).
        if (data.previousStatus === 'pending_payment' && data.reason !== 'payment_cancelled')
          await payments.cancelIntent(data.orderId);
      },
    ),
  ]);
}
