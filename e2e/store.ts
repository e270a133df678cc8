import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { freePort, startStoreProcess } from '../server/test/process.js';

/**
 * The store as `npm start` runs it (embedded, seeded, serving the built storefront, from the built
 * server: `npm run test:e2e` builds both first, or finds them built), in a data directory of its
 * own on a free port.
 */
export interface Store {
  url: string;
  stop(): Promise<void>;
}

export interface StoreOptions {
  /**
   * Set PUBLIC_URL to the address the browser uses (the default). False leaves it unset, as in
   * development: the store then works out where its shoppers are from their requests.
   */
  publicUrl?: boolean;
}

export async function startStore(
  env: Record<string, string> = {},
  options: StoreOptions = {},
): Promise<Store> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stride-e2e-'));
  const port = await freePort();
  // The payment page sends the shopper back to PUBLIC_URL: the same origin the browser is on, so the
  // tab keeps its session storage and cookies.
  const store = startStoreProcess(
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      // Empty is unset (and overrides one this process may have inherited).
      PUBLIC_URL: options.publicUrl === false ? '' : `http://127.0.0.1:${port}`,
      ...env,
    },
    { built: true },
  );
  await store.ready;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      store.child.kill('SIGTERM');
      await store.exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A store on Stripe with the stand-ins of Stripe.js and Stripe's API it serves itself (test keys;
 * webhooks signed with this secret), for browser tests without the internet.
 */
export const stripeStandInEnv: Record<string, string> = {
  PAYMENT_PROVIDER: 'stripe',
  STRIPE_STAND_IN: 'true',
  STRIPE_SECRET_KEY: 'sk_test_stand_in_store',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_stand_in_store',
  STRIPE_WEBHOOK_SECRET: 'whsec_stand_in_store',
};

/** Debian's Chromium, headless; never a downloaded browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A store and Debian's Chromium for the tests of one `describe`: started before them, stopped after.
 * `env` is read when the store starts, so it may use what an earlier `beforeAll` set.
 */
export function storeAndBrowser(
  env: () => Record<string, string> = () => ({}),
  options: StoreOptions = {},
) {
  const running = {} as { store: Store; browser: Browser };
  beforeAll(async () => {
    running.store = await startStore(env(), options);
    running.browser = await launchBrowser();
  });
  afterAll(async () => {
    await running.browser?.close();
    await running.store?.stop();
  });
  return running;
}
