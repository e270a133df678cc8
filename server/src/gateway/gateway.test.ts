import { createServer, type IncomingMessage, type Server } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Database } from '../platform/db/index.js';
import { eventually, freePort, silentLogger } from '../../test/harness.js';
import { gatewayOverHttp, ProviderUnavailable } from '../modules/payments/index.js';
import { createGateway } from './gateway.js';
import { signatureHeader, verifySignature } from './signature.js';

const apiKey = 'gateway-test-key-0123456789abcdef';
const webhookSecret = 'gateway-test-webhook-0123456789ab';

/**
 * The local gateway as its own process would run it: its own database and HTTP app, the store's
 * side reaching it over HTTP with the secret key, and its webhooks sent to a receiver that can
 * refuse them.
 */
describe('the local gateway on its own', () => {
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let receiver: Server;
  const received: { body: string; signature: string | undefined }[] = [];
  let refuseNext = 0;

  beforeAll(async () => {
    database = await openPglite();
    const receiverPort = await freePort();
    receiver = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const signature = request.headers[signatureHeader] as string | undefined;
        if (refuseNext > 0) {
          refuseNext--;
          response.writeHead(503).end();
          return;
        }
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature });
        response.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
    const gateway = createGateway({
      db: database.db,
      apiKey,
      webhookSecret,
      webhookUrl: `http://127.0.0.1:${receiverPort}/hooks`,
      logger: silentLogger,
      retryDelayMs: 50,
      pollMs: 50,
    });
    app = Fastify() as unknown as FastifyInstance;
    await gateway.mount(app, '/gateway');
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    base = `http://127.0.0.1:${port}/gateway`;
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.close();
  });

  const client = () => gatewayOverHttp(base, apiKey);
  const newIntent = (key: string, amount = 4_599) =>
    client().createIntent({
      amount,
      currency: 'USD',
      metadata: { orderId: '0190a0a0-0000-7000-8000-000000000001' },
      returnUrl: 'http://shop.test/orders/1/confirmation',
      idempotencyKey: key,
    });
  const form = (values: Record<string, string>) => new URLSearchParams(values).toString();
  const card = { cardNumber: '4242424242424242', expMonth: '12', expYear: '2034', cvc: '123' };

  it('creates one intent per idempotency key, and only for the holder of the secret key', async () => {
    const first = await newIntent('order-a');
    const again = await newIntent('order-a');
    expect(again.id).toBe(first.id);
    expect(again.clientSecret).toBe(first.clientSecret);
    expect((await newIntent('order-b')).id).not.toBe(first.id);
    await expect(newIntent('order-a', 100)).rejects.toThrow(/409/);
    await expect(
      gatewayOverHttp(base, 'wrong-key-0123456789abcdefgh').createIntent({
        amount: 100,
        currency: 'USD',
        idempotencyKey: 'x',
      }),
    ).rejects.toBeInstanceOf(ProviderUnavailable);
  });

  it('serves a card page that refuses bad input, shows declines and returns to the store when paid', async () => {
    const intent = await newIntent('page');
    const page = `${base}/pay/${intent.clientSecret}`;
    const shown = await fetch(page);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await shown.text();
    expect(html).toContain('$45.99');
    expect(html).toContain('4242 4242 4242 4242');

    const post = (values: Record<string, string>) =>
      fetch(page, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(values),
        redirect: 'manual',
      });
    const badNumber = await post({ ...card, cardNumber: '4242424242424241' });
    expect(badNumber.status).toBe(422);
    expect(await badNumber.text()).toContain('The card number is not valid.');
    const declined = await post({ ...card, cardNumber: '4000000000009995' });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('insufficient funds');
    const paid = await post(card);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(
      'http://shop.test/orders/1/confirmation?payment=succeeded',
    );
    expect(await (await fetch(page)).text()).toContain('has been made');
    expect((await fetch(`${base}/pay/pi_unknown_secret_x`)).status).toBe(404);
  });

  it('sends a signed webhook for each charge, retrying until the store acknowledges it', async () => {
    const intent = await newIntent('webhooks');
    refuseNext = 3;
    const confirmed = await fetch(`${base}/api/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientSecret: intent.clientSecret, ...card }),
    });
    expect(await confirmed.json()).toMatchObject({ status: 'succeeded' });
    await eventually(async () => received.some((r) => r.body.includes(intent.id)));
    expect(refuseNext).toBe(0);
    const delivered = received.filter((r) => r.body.includes(intent.id));
    expect(delivered).toHaveLength(1);
    const [hook] = delivered;
    expect(() => verifySignature(webhookSecret, hook?.body ?? '', hook?.signature)).not.toThrow();
    const event = JSON.parse(hook?.body ?? '{}') as {
      type: string;
      data: { object: Record<string, unknown> };
    };
    expect(event.type).toBe('payment_intent.succeeded');
    expect(event.data.object).toMatchObject({ id: intent.id, amount: 4_599, status: 'succeeded' });
    expect(event.data.object.clientSecret).toBeUndefined();
  });

  it('refunds up to what was paid, once per idempotency key', async () => {
    const intent = await newIntent('refunds');
    await fetch(`${base}/api/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientSecret: intent.clientSecret, ...card }),
    });
    const first = await client().refund({
      intentId: intent.id,
      amount: 1_000,
      idempotencyKey: 'r1',
    });
    const repeat = await client().refund({
      intentId: intent.id,
      amount: 1_000,
      idempotencyKey: 'r1',
    });
    expect(repeat.id).toBe(first.id);
    await expect(
      client().refund({ intentId: intent.id, amount: 4_000, idempotencyKey: 'r2' }),
    ).rejects.toThrow(/422/);
    await client().refund({ intentId: intent.id, idempotencyKey: 'r3' });
    const unpaid = await newIntent('refund-unpaid');
    await expect(client().refund({ intentId: unpaid.id, idempotencyKey: 'r4' })).rejects.toThrow(
      /409/,
    );
  });
});
