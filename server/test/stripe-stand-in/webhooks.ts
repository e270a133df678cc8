import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { EventType, StandInIntent } from './intents.js';

/**
 * Stripe's webhooks as Stripe sends them: an event object whose `data.object` is the intent as it
 * was at that moment, POSTed as JSON with `stripe-signature: t=…,v1=…` (HMAC-SHA256 of `t.body`
 * under the endpoint's signing secret, made by the SDK's own helper). One at a time, in the order
 * they happened, each tried again with a growing pause until the store answers 2xx.
 */
export function webhookSender(options: {
  url: string;
  secret: string;
  log: (line: string) => void;
}) {
  const signer = new Stripe('sk_test_stand_in').webhooks;
  let queue: Promise<void> = Promise.resolve();

  async function deliver(payload: string) {
    for (let attempt = 0, pause = 200; attempt < 6; attempt++, pause *= 2) {
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'stripe-signature': signer.generateTestHeaderString({
              payload,
              secret: options.secret,
            }),
          },
          body: payload,
        });
        if (response.ok) return;
        options.log(`webhook answered ${response.status}: ${await response.text()}`);
      } catch (error) {
        options.log(`webhook not delivered: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  return (type: EventType, intent: StandInIntent) => {
    const payload = JSON.stringify({
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      type,
      data: { object: structuredClone(intent) },
    });
    queue = queue.then(() => deliver(payload));
  };
}
