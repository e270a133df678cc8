import { z } from 'zod';
import { isCountryCode } from './countries.js';

/**
 * Configuration, parsed once from the environment at start-up. A bad value stops the process with a
 * message naming the variable; nothing else in the code reads `process.env`.
 */
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine(
      (value) => value === undefined || protocols.some((p) => value.startsWith(`${p}://`)),
      `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    );

const durationSeconds = z.coerce.number().int().positive();

export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  AMQP_URL: optionalUrl(['amqp', 'amqps']),
  /**
   * Keeps several stores on one RabbitMQ apart: exchange `<namespace>.events`, queues
   * `<namespace>.<consumer>`. Unset: exchange `store.events`, queues named after their consumers.
   */
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/, 'must be 1–40 lower-case letters, digits, - or _')
    .optional(),
  DATA_DIR: z.string().default('./.data'),
  /**
   * Where uploaded product images are kept. Default: DATA_DIR/uploads. Several API processes on
   * several machines must share it (a network volume): each one serves the images from here.
   */
  UPLOADS_DIR: z.string().trim().min(1).optional(),
  /**
   * Keep uploads in this S3 bucket (AWS, or any S3-compatible service at STORAGE_S3_ENDPOINT)
   * instead of UPLOADS_DIR, so several API machines share them. Credentials: the two settings
   * below, or the AWS SDK's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, a role).
   */
  STORAGE_S3_BUCKET: z.string().trim().min(3).max(63).optional(),
  STORAGE_S3_ENDPOINT: optionalUrl(['http', 'https']),
  STORAGE_S3_REGION: z.string().trim().min(1).default('us-east-1'),
  /** Address the bucket in the path (endpoint/bucket/key), as most S3-compatible services want. */
  STORAGE_S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Put before every key (e.g. `stride/uploads/`), so the bucket may hold other things too. */
  STORAGE_S3_PREFIX: z
    .string()
    .regex(/^([a-z0-9._-]+\/)*$/, 'must be empty or folder names each ending in /')
    .default(''),
  STORAGE_S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  STORAGE_S3_SECRET_ACCESS_KEY: z.string().trim().min(1).optional(),
  /** Largest product image the admin may upload, in bytes (default 20 MiB: a camera's JPEG). */
  IMAGE_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /**
   * Most pixels (width × height) an uploaded image may have, checked from its header before it is
   * decoded (default 50 million: a 45-megapixel camera or a 48-megapixel phone; decoding one takes
   * up to about 200 MB, one upload at a time per process).
   */
  IMAGE_UPLOAD_MAX_PIXELS: z.coerce.number().int().min(10_000).max(268_402_689).default(50_000_000),
  /** Largest catalog CSV the admin may import, in bytes (default 10 MiB, about 50,000 variants). */
  CATALOG_IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /**
   * Most rows (variants) one catalog CSV may hold. The whole file is checked, planned and written
   * in one transaction, so this bounds the memory and the time an import holds its locks.
   */
  CATALOG_IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url())),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The countries the store ships to, as comma-separated ISO 3166-1 alpha-2 codes, in the order the
   * storefront lists them. Checkout to any other country is refused (422 `country_not_shipped`) and
   * no shipping method is offered there. Default: the countries the starting tax table covers.
   */
  SHIPPING_COUNTRIES: z
    .string()
    .default('US,CA,GB,IE,DE,FR,NL,ES,IT,AU,JP')
    .transform((value) =>
      value
        .split(',')
        .map((code) => code.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().refine(isCountryCode, 'must list ISO 3166-1 alpha-2 country codes'))
        .min(1, 'must name at least one country')
        .transform((codes) => [...new Set(codes)]),
    ),
  /** Seconds a catalog response may be cached by browsers and shared caches. */
  CATALOG_CACHE_MAX_AGE: durationSeconds.default(60),
  /** Seconds a catalog entry lives in Redis/memory; invalidation by version makes it safe to keep long. */
  CATALOG_CACHE_TTL: durationSeconds.default(3600),
  ORDER_PAYMENT_TIMEOUT: durationSeconds.default(1800),
  /** HS256 key for access tokens; at least 32 characters. Unset: generated once and kept in DATA_DIR. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL: durationSeconds.default(900),
  REFRESH_TOKEN_TTL: durationSeconds.default(30 * 24 * 3600),
  /** Requests per minute one IP may make to each sign-in, sign-up, refresh and reset endpoint. */
  AUTH_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  /** Orders one IP may place per minute (unpaid orders hold stock: a flood would hoard it). */
  ORDER_RATE_LIMIT: z.coerce.number().int().positive().default(30),
  /** Failed sign-ins one account may have in 15 minutes before it must wait. */
  LOGIN_FAILURE_LIMIT: z.coerce.number().int().positive().default(10),
  /**
   * Where shoppers reach the store (https://shop.example.com): links in emails, the page after
   * paying, canonical URLs; an https address also makes pages upgrade insecure requests. Required
   * in production. Unset (development, test): emails link to http://localhost:PORT, and a shopper
   * comes back from paying to the address they came from when it is this machine or a private
   * network's (127.0.0.1, a LAN address).
   */
  PUBLIC_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Where email goes out (smtp://user:pass@host:587, smtps://…:465). Unset: a dev mailbox records it. */
  SMTP_URL: optionalUrl(['smtp', 'smtps']),
  /**
   * Seconds a worker holds an email it is sending before another worker may take it over (after a
   * crash mid-send). Must outlast a slow SMTP send; shorter means a crashed worker's email goes
   * out sooner.
   */
  EMAIL_SEND_LEASE: durationSeconds.default(180),
  /**
   * Tries of an email before it is dead-lettered (listed at /api/v1/admin/events/dead-letters, sent
   * again by a replay), and the pause before the second, doubling after each failure. The defaults
   * span about ten minutes, so a mail server down for a few minutes loses nothing, and outlast
   * EMAIL_SEND_LEASE, so an email whose worker died mid-send goes out on a later try. A span
   * shorter than the lease is allowed; such an email is then dead-lettered instead, until a replay.
   */
  EMAIL_RETRIES: z.coerce.number().int().min(1).max(20).default(8),
  EMAIL_RETRY_DELAY_MS: z.coerce.number().int().min(1).max(600_000).default(5_000),
  /** A variant with this many units or fewer left to sell triggers one alert to the store team. */
  LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5),
  /** Who gets low-stock alerts. Default: ADMIN_EMAIL (embedded: the demo administrator). */
  LOW_STOCK_ALERT_EMAIL: z.email().optional(),
  /** The From of every email: an address, or `Name <address>`. */
  MAIL_FROM: z
    .string()
    .trim()
    .regex(
      /^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/,
      'must be an email address or Name <address>',
    )
    .default('Stride <orders@stride.local>'),
  /**
   * Which proxies to believe about the client address (X-Forwarded-For), for per-IP rate limits
   * behind a load balancer: `true`, a hop count, or comma-separated addresses/CIDRs. Default: none.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | number | string => {
      if (value === 'true' || value === 'false') return value === 'true';
      return /^\d+$/.test(value) ? Number(value) : value;
    }),
  /** Who takes payments: the local test gateway (default) or Stripe. */
  PAYMENT_PROVIDER: z.enum(['local', 'stripe']).default('local'),
  /**
   * The local gateway's address when it runs as its own process (`npm run start:gateway`). Unset: it
   * runs inside the store, under /gateway.
   */
  PAYMENT_GATEWAY_URL: optionalUrl(['http', 'https']),
  /**
   * Where shoppers' browsers reach that gateway (its base, like PAYMENT_GATEWAY_URL:
   * https://pay.example.com/gateway), when not at PAYMENT_GATEWAY_URL, which may be a private
   * address. The store passes them on from its own /gateway/pay/… to BASE/pay/….
   */
  PAYMENT_GATEWAY_PUBLIC_URL: optionalUrl(['http', 'https']),
  /** The local gateway's secret API key. Unset: derived from the access-token key. */
  PAYMENT_GATEWAY_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** The local gateway's webhook signing secret. Unset: derived from the access-token key. */
  PAYMENT_WEBHOOK_SECRET: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Where the in-store gateway sends webhooks. Default: this process, http://127.0.0.1:PORT/api/v1/webhooks/payments/local */
  PAYMENT_WEBHOOK_URL: optionalUrl(['http', 'https']),
  STRIPE_SECRET_KEY: z.string().trim().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().trim().optional(),
  /** Stripe's publishable key (pk_live_… or pk_test_…), handed to the storefront's card step. */
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .trim()
    .max(255)
    .regex(
      /^pk_(live|test)_[A-Za-z0-9_]+$/,
      'must be a Stripe publishable key (pk_live_… or pk_test_…)',
    )
    .optional(),
  /**
   * Says the store takes no real money: required to run the local test gateway in production; a
   * banner on every page, and orders and emails, then say so. Stripe test keys mean it too.
   */
  PAYMENT_TEST_MODE: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  /** Another Stripe API endpoint (a proxy, or a stand-in in tests), e.g. http://127.0.0.1:12111 */
  STRIPE_API_URL: optionalUrl(['http', 'https']),
  /**
   * `true`: this store serves stand-ins of Stripe.js and of Stripe's API (test code, from
   * server/test/stripe-stand-in) and uses them instead of Stripe's, for browser tests and demos
   * without the internet. Needs Stripe test keys and the store run from its sources; refused in
   * production. STRIPE_API_URL then defaults to this store.
   */
  STRIPE_STAND_IN: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Bearer token that `/metrics` requires (`Authorization: Bearer …`). Unset: `/metrics` is open in
   * development and test, and not served on the public port in production.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Serve `/metrics` (this process's, API and worker alike) on 127.0.0.1 at this port as well, for
   * a scraper on the same host; a worker on its own has no other HTTP port. Unset: not served.
   */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SEED_ON_START: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
});

/** A setting's name: one variable of the environment (each described in `config-docs.ts`). */
export type SettingName = keyof z.input<typeof environmentSchema>;

/** Documented in the README; used only in embedded mode, where the store is a local demo. */
export const embeddedAdmin = { email: 'admin@stride.local', password: 'stride-admin-2026' };

/** Where the store team's alerts go: LOW_STOCK_ALERT_EMAIL, else the first administrator. */
export function storeTeamEmail(config: Config): string | null {
  return (
    config.LOW_STOCK_ALERT_EMAIL ??
    config.ADMIN_EMAIL ??
    (config.embedded ? embeddedAdmin.email : null)
  );
}

/**
 * Whether the store takes test money only. The local gateway never moves money; Stripe does unless
 * its keys are test keys or the store says it is a test store (PAYMENT_TEST_MODE=true). Shown as a
 * banner on every page, on orders (recorded at checkout) and in their emails, and by `/ready`.
 */
export function isPaymentTestMode(config: Config): boolean {
  if (config.PAYMENT_PROVIDER === 'local') return true;
  return (
    config.PAYMENT_TEST_MODE === true ||
    Boolean(config.STRIPE_SECRET_KEY?.startsWith('sk_test_')) ||
    Boolean(config.STRIPE_PUBLISHABLE_KEY?.startsWith('pk_test_'))
  );
}

export type Config = Omit<z.infer<typeof environmentSchema>, 'PUBLIC_URL'> & {
  /** PUBLIC_URL, or http://localhost:PORT when it is unset. */
  PUBLIC_URL: string;
  /** PUBLIC_URL was set: the store's one address, whatever a request's Host says. */
  publicUrlConfigured: boolean;
  /** Embedded mode: no external service configured; everything runs in one process. */
  embedded: boolean;
};

export class ConfigError extends Error {}

/**
 * Stripe's keys say whether they move real money. A live secret key with a test publishable key
 * (or the other way round) cannot take a payment, and a test store on live keys would tell shoppers
 * "no money was taken" while their cards are charged: both stop start-up.
 */
function checkStripeKeyModes(config: z.infer<typeof environmentSchema>): void {
  const secretMode = /^(?:sk|rk)_(live|test)_/.exec(config.STRIPE_SECRET_KEY ?? '')?.[1];
  const publishableMode = /^pk_(live|test)_/.exec(config.STRIPE_PUBLISHABLE_KEY ?? '')?.[1];
  if (secretMode && publishableMode && secretMode !== publishableMode) {
    throw new ConfigError(
      `Invalid configuration:\n  STRIPE_SECRET_KEY / STRIPE_PUBLISHABLE_KEY: one is a ${secretMode} key and the other a ${publishableMode} key; use both from the same mode`,
    );
  }
  if (config.PAYMENT_TEST_MODE === true && (secretMode ?? publishableMode) === 'live') {
    throw new ConfigError(
      'Invalid configuration:\n  PAYMENT_TEST_MODE: Stripe live keys take real money; unset it, or use test keys for a test store',
    );
  }
}

/**
 * The Stripe stand-in takes no money and answers for Stripe: it must never stand in for a live store.
 * Refused in production, with anything but Stripe, and with live keys.
 */
function checkStripeStandIn(config: z.infer<typeof environmentSchema>) {
  const refuse = (why: string) => {
    throw new ConfigError(`Invalid configuration:\n  STRIPE_STAND_IN: ${why}`);
  };
  if (config.NODE_ENV === 'production') refuse('never in production (NODE_ENV=production)');
  if (config.PAYMENT_PROVIDER !== 'stripe') refuse('only with PAYMENT_PROVIDER=stripe');
  if (
    !config.STRIPE_SECRET_KEY?.startsWith('sk_test_') ||
    !config.STRIPE_PUBLISHABLE_KEY?.startsWith('pk_test_')
  )
    refuse('only with Stripe test keys (sk_test_…, pk_test_…)');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const embedded = !config.DATABASE_URL && !config.REDIS_URL && !config.AMQP_URL;
  if (config.NODE_ENV === 'production' && !config.ADMIN_EMAIL !== !config.ADMIN_PASSWORD) {
    throw new ConfigError(
      'Invalid configuration:\n  ADMIN_EMAIL / ADMIN_PASSWORD: set both or neither',
    );
  }
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_SECRET: required in production (at least 32 characters)',
    );
  }
  if (!config.STORAGE_S3_ACCESS_KEY_ID !== !config.STORAGE_S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  STORAGE_S3_ACCESS_KEY_ID / STORAGE_S3_SECRET_ACCESS_KEY: set both or neither',
    );
  }
  if (
    config.PAYMENT_PROVIDER === 'stripe' &&
    (!config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET || !config.STRIPE_PUBLISHABLE_KEY)
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET / STRIPE_PUBLISHABLE_KEY: required when PAYMENT_PROVIDER=stripe',
    );
  }
  if (config.PAYMENT_PROVIDER === 'stripe') checkStripeKeyModes(config);
  if (config.STRIPE_STAND_IN) checkStripeStandIn(config);
  if (config.NODE_ENV === 'production' && !config.PUBLIC_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  PUBLIC_URL: required in production (where shoppers reach the store, e.g. https://shop.example.com)',
    );
  }
  if (
    config.NODE_ENV === 'production' &&
    config.PAYMENT_PROVIDER === 'local' &&
    config.PAYMENT_TEST_MODE !== true
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  PAYMENT_TEST_MODE: the local gateway takes test money only; set PAYMENT_TEST_MODE=true to run a test store in production, or PAYMENT_PROVIDER=stripe to take real payments',
    );
  }
  return {
    ...config,
    embedded,
    PUBLIC_URL: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    STRIPE_API_URL:
      config.STRIPE_API_URL ??
      (config.STRIPE_STAND_IN ? `http://127.0.0.1:${config.PORT}` : undefined),
    publicUrlConfigured: config.PUBLIC_URL !== undefined,
  };
}
