import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { freePort, silentLogger } from '../../../test/harness.js';
import { createGateway, type Gateway } from '../../gateway/gateway.js';
import { signatureHeader, signPayload, unixNow } from '../../gateway/signature.js';
import { openPglite, type Database } from '../../platform/db/index.js';
import { createLocalProvider, gatewayOverHttp } from './local.js';
import { describeProviderContract, type ProviderHarness } from './provider.contract.js';
import type { PaymentProvider } from './provider.js';

/** The local gateway as a provider: inside the store (direct calls) and in its own process (HTTP). */
const apiKey = 'local-contract-key-0123456789abcdef';
const webhookSecret = 'local-contract-webhook-0123456789';
let database: Database;
let gateway: Gateway;
let app: FastifyInstance;
const providers = {} as { inStore: PaymentProvider; overHttp: PaymentProvider };

beforeAll(async () => {
  database = await openPglite();
  gateway = createGateway({
    db: database.db,
    apiKey,
    webhookSecret,
    // Nothing listens here: these tests read webhooks they sign themselves.
    webhookUrl: 'http://127.0.0.1:9/unused',
    logger: silentLogger,
  });
  app = Fastify() as unknown as FastifyInstance;
  await gateway.mount(app, '/gateway');
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  providers.inStore = createLocalProvider({ gateway: gateway.ledger, webhookSecret });
  providers.overHttp = createLocalProvider({
    gateway: gatewayOverHttp(`http://127.0.0.1:${port}/gateway`, apiKey),
    webhookSecret,
  });
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

const harness = (provider: () => PaymentProvider): ProviderHarness => ({
  provider,
  succeeded: ({ reference, orderId, amount, currency }) => {
    const body = Buffer.from(
      JSON.stringify({
        id: `evt_${reference}`,
        type: 'payment_intent.succeeded',
        created: unixNow(),
        data: {
          object: {
            id: reference,
            amount,
            currency,
            status: 'succeeded',
            metadata: { orderId },
            paymentMethod: 'Visa ending in 4242',
            lastPaymentError: null,
          },
        },
      }),
    );
    return { body, headers: { [signatureHeader]: signPayload(webhookSecret, body.toString()) } };
  },
  signedAt: (body, secondsAgo) => ({
    [signatureHeader]: signPayload(webhookSecret, body.toString(), unixNow() - secondsAgo),
  }),
  pay: async (_reference, clientSecret) => {
    await gateway.ledger.confirm(clientSecret, {
      cardNumber: '4242424242424242',
      expMonth: 12,
      expYear: 2034,
      cvc: '123',
    });
  },
});

describeProviderContract(
  'local gateway in the store',
  harness(() => providers.inStore),
);
describeProviderContract(
  'local gateway over HTTP',
  harness(() => providers.overHttp),
);
