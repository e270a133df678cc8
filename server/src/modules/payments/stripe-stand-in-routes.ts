import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../platform/config.js';
import { registerPublicPlugin } from '../../platform/http/auth.js';
import { apiPrefix } from '../../platform/module.js';
import { serverPath } from '../../platform/paths.js';

/**
 * STRIPE_STAND_IN: the store serves stand-ins of Stripe.js and Stripe's API on its own origin (see
 * server/test/stripe-stand-in). They are test code, imported from the sources by a path known only
 * at run time, so the bundler never takes them into a built store, and a built store (plain node,
 * no TypeScript) cannot load them: the setting then stops the start with a message.
 */
export async function serveStripeStandIn(app: FastifyInstance, config: Config): Promise<void> {
  const entry = serverPath('test', 'stripe-stand-in', 'index.ts');
  if (!existsSync(entry))
    throw new Error(`STRIPE_STAND_IN: the stand-in is not here (${entry}); it is test code only`);
  let module: typeof import('../../../test/stripe-stand-in/index.js');
  try {
    module = (await import(pathToFileURL(entry).href)) as typeof module;
  } catch (error) {
    throw new Error(
      `STRIPE_STAND_IN: the stand-in runs with the store from its sources (npm run dev), not a built store: ${String(error)}`,
      { cause: error },
    );
  }
  await registerPublicPlugin(app, module.stripeStandIn, {
    secretKey: config.STRIPE_SECRET_KEY as string,
    publishableKey: config.STRIPE_PUBLISHABLE_KEY as string,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET as string,
    webhookUrl: `http://127.0.0.1:${config.PORT}${apiPrefix}/webhooks/payments/stripe`,
  });
}
