import type { Logger } from 'pino';
import { consume } from '../../platform/bus/consumer.js';
import type { EventType } from '../../platform/bus/events.js';
import type { MessageBus, SubscribeOptions, Subscription } from '../../platform/bus/port.js';
import { anonymous } from '../../platform/context.js';
import { userRegistered } from '../accounts/index.js';
import type { CatalogService } from '../catalog/index.js';
import { orderCancelled, orderCreated, orderFulfilled } from '../orders/index.js';
import type { Delivery, EmailRequest } from './delivery.js';
import { sendEmail } from '../../platform/email-request.js';
import type { TemplateData, TemplateName } from './templates.js';

export const emailConsumer = 'notifications-email';

/**
 * How long the bus keeps trying an email before dead-lettering it; EMAIL_RETRIES and
 * EMAIL_RETRY_DELAY_MS set it per deployment. The last try comes delay × (2^(tries − 1) − 1)
 * after the first: by default 8 tries, 5 s doubling, about 10½ minutes, so a mail server down for
 * a few minutes delays emails without losing them.
 *
 * That default span also outlasts a send's lease (EMAIL_SEND_LEASE, 180 s; `delivery.ts`), so when
 * a worker dies mid-send, a later try finds the lease run out and sends. A shorter span than the
 * lease is allowed (EMAIL_RETRIES=2, say, to see failures quickly), and then such an email is
 * dead-lettered while the lease still holds it: it goes out only when replayed from the admin
 * (`/admin/events/dead-letters`) once the lease has run out, never by itself.
 */
export const defaultEmailRetry: Required<SubscribeOptions> = {
  maxAttempts: 8,
  retryDelayMs: 5_000,
};

type Request = Omit<EmailRequest, 'eventId'>;

const request = <Name extends TemplateName>(
  to: string,
  template: Name,
  data: TemplateData<Name>,
): Request => ({ to, template, data });

/**
 * One consumer (`notifications-email`, one queue) turns the events that notify a person into emails.
 * Each event type maps to the emails it asks for; each email is delivered once per event by
 * `delivery.ts`, which keeps its own record (the `notifications` row), not the inbox: the inbox
 * records a message in the transaction of its effect, and an email is not a database effect.
 */
export async function startNotificationConsumers(
  deps: { bus: MessageBus; delivery: Delivery; catalog: CatalogService; logger: Logger },
  options: SubscribeOptions = defaultEmailRetry,
): Promise<Subscription[]> {
  const events: EventType<string, unknown>[] = [];
  const routes = new Map<string, (data: unknown) => Promise<Request[]>>();
  const on = <Data>(event: EventType<string, Data>, emails: (data: Data) => Promise<Request[]>) => {
    events.push(event as EventType<string, unknown>);
    // The consumer parsed the data with this event's own schema before routing it here.
    routes.set(event.name, (data) => emails(data as Data));
  };

  // Any module's request; the renderer checks the template's data.
  on(sendEmail, async (d) => [{ to: d.to, template: d.template, data: d.data }]);

  on(userRegistered, async (d) => [
    request(d.email, 'welcome', {
      email: d.email,
      ...(d.firstName ? { firstName: d.firstName } : {}),
    }),
  ]);

  on(orderCreated, async (d) => {
    // The event names variants by SKU; the email names them as the shopper saw them.
    const variants = await deps.catalog.saleVariants(
      anonymous,
      d.items.map((item) => item.variantId),
    );
    const items = d.items.map((item) => {
      const variant = variants.get(item.variantId);
      return {
        name: variant?.name ?? item.sku,
        ...(variant ? { details: `${variant.size} / ${variant.color}` } : {}),
        quantity: item.quantity,
        lineTotal: { amount: item.unitPrice * item.quantity, currency: d.total.currency },
      };
    });
    return [
      request(d.email, 'order_received', {
        orderId: d.orderId,
        number: d.number,
        testMode: d.testMode,
        items,
        total: d.total,
        paymentDueAt: d.paymentDueAt,
      }),
    ];
  });

  on(orderFulfilled, async (d) => [
    request(d.email, 'order_shipped', {
      orderId: d.orderId,
      number: d.number,
      testMode: d.testMode,
      carrier: d.carrier,
      trackingNumber: d.trackingNumber,
    }),
  ]);

  on(orderCancelled, async (d) => [
    request(d.email, 'order_cancelled', {
      orderId: d.orderId,
      number: d.number,
      testMode: d.testMode,
      reason: d.reason,
      refundDue: d.refundDue,
    }),
  ]);

  // A refund is told of once the provider has made it (the orders module sends `order_refunded`
  // then), never when it is only asked for: a provider may refuse it.

  const subscription = await consume(
    deps.bus,
    { name: emailConsumer, events, ...options },
    async ({ envelope, data }) => {
      const emails = routes.get(envelope.type);
      if (!emails) throw new Error(`${emailConsumer} does not handle ${envelope.type}`);
      // One by one: a failure stops here, and the retry skips the emails already sent.
      for (const email of await emails(data)) {
        await deps.delivery.deliver({ eventId: envelope.id, ...email });
      }
    },
  );
  return [subscription];
}
