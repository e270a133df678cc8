import type { SettingName } from './config.js';

/**
 * What each setting means, for the README's table (`npm run docs` writes it, a test fails when it is
 * stale). The compiler asks for an entry per setting of the schema in `config.ts`. `default` is
 * given where the schema's own default does not say it (unset, computed, or required somewhere);
 * otherwise the table shows the schema's.
 */
export interface SettingDoc {
  meaning: string;
  default?: string;
}

export const settingDocs: Record<SettingName, SettingDoc> = {
  NODE_ENV: {
    meaning:
      '`production` requires `JWT_SECRET` and `PUBLIC_URL`, makes no default administrator, and refuses the local gateway without `PAYMENT_TEST_MODE=true`',
  },
  PORT: { meaning: 'HTTP port' },
  HOST: { meaning: 'interface to listen on' },
  DATABASE_URL: { default: 'unset → PGlite in `DATA_DIR`', meaning: 'PostgreSQL connection URL' },
  REDIS_URL: {
    default: 'unset → in-memory cache',
    meaning: 'Redis URL (catalog cache, carts, token denylist, rate limits)',
  },
  AMQP_URL: { default: 'unset → in-process bus', meaning: 'RabbitMQ URL (events from the outbox)' },
  AMQP_NAMESPACE: {
    default: 'none',
    meaning: 'keeps several stores on one RabbitMQ apart (`<ns>.events`, `<ns>.<queue>`)',
  },
  DATA_DIR: { meaning: 'where the embedded database keeps its files' },
  UPLOADS_DIR: {
    default: '`DATA_DIR/uploads`',
    meaning: 'where uploaded product images are kept (shared by every API process)',
  },
  STORAGE_S3_BUCKET: {
    default: 'unset → the `UPLOADS_DIR` folder',
    meaning:
      'keep uploads in this S3 bucket instead, shared by every process (see catalog-files.md)',
  },
  STORAGE_S3_ENDPOINT: {
    default: 'AWS S3',
    meaning: "an S3-compatible service's URL (MinIO, Ceph, R2…)",
  },
  STORAGE_S3_REGION: { meaning: "the bucket's region" },
  STORAGE_S3_FORCE_PATH_STYLE: {
    meaning: 'address the bucket in the path, as most S3-compatible services want',
  },
  STORAGE_S3_PREFIX: { meaning: 'a folder for the keys in the bucket, e.g. `stride/uploads/`' },
  STORAGE_S3_ACCESS_KEY_ID: {
    default: "the AWS SDK's chain",
    meaning:
      "the bucket's key id, with the secret below; unset: `AWS_ACCESS_KEY_ID`…, a profile or a role",
  },
  STORAGE_S3_SECRET_ACCESS_KEY: {
    default: "the AWS SDK's chain",
    meaning: "the bucket's secret key",
  },
  IMAGE_UPLOAD_MAX_BYTES: {
    meaning: "largest product image an admin may upload (20 MiB: a camera's JPEG)",
  },
  IMAGE_UPLOAD_MAX_PIXELS: {
    meaning: 'most pixels an uploaded image may have, checked before it is decoded',
  },
  CATALOG_IMPORT_MAX_BYTES: { meaning: 'largest catalog CSV an admin may import (10 MiB)' },
  CATALOG_IMPORT_MAX_ROWS: {
    meaning: 'most rows (variants) in one catalog CSV; past it, 413 `import_too_many_rows`',
  },
  ADMIN_EMAIL: {
    default: 'embedded: the printed default; otherwise none',
    meaning: 'the first administrator, with `ADMIN_PASSWORD` (production: both or neither)',
  },
  ADMIN_PASSWORD: {
    default: 'embedded: the printed default; otherwise none',
    meaning: "the first administrator's password (≥ 12 characters)",
  },
  CORS_ORIGINS: {
    default: 'empty (same origin only)',
    meaning: 'comma-separated origins allowed to call the API from a browser',
  },
  LOG_LEVEL: { meaning: 'pino level; `debug` also logs each request' },
  SHIPPING_COUNTRIES: {
    meaning:
      'ISO 3166-1 codes of the countries the store ships to, in the order checkout offers them (see `docs/pricing.md`)',
  },
  CATALOG_CACHE_MAX_AGE: {
    meaning: 'seconds browsers may reuse a catalog response (`Cache-Control`)',
  },
  CATALOG_CACHE_TTL: {
    meaning: 'seconds a catalog response stays in Redis/memory (changes retire it at once)',
  },
  ORDER_PAYMENT_TIMEOUT: {
    meaning: 'seconds an unpaid order holds its stock; then the worker cancels it',
  },
  JWT_SECRET: {
    default: 'generated once, kept in `DATA_DIR`; required in production',
    meaning:
      "HS256 key of access tokens (≥ 32 characters), shared by every API process; guest order links and the local gateway's keys are derived from it",
  },
  ACCESS_TOKEN_TTL: { meaning: 'seconds an access token lives' },
  REFRESH_TOKEN_TTL: {
    meaning: 'seconds a refresh token lives unused (30 days); each use rotates it',
  },
  AUTH_RATE_LIMIT: {
    meaning:
      'requests per minute one IP may make to each sign-in, sign-up, refresh and reset endpoint',
  },
  ORDER_RATE_LIMIT: { meaning: 'orders one IP may place per minute' },
  LOGIN_FAILURE_LIMIT: {
    meaning: 'failed sign-ins one account may have in 15 minutes before it must wait',
  },
  PUBLIC_URL: {
    default: '`http://localhost:PORT`; required in production',
    meaning:
      'where shoppers reach the store (links in emails, the page after paying; `https://` also upgrades insecure requests)',
  },
  SMTP_URL: {
    default: 'unset → a dev mailbox (nothing is sent)',
    meaning: 'SMTP server for emails, e.g. `smtp://user:pass@mail.example.com:587`',
  },
  EMAIL_SEND_LEASE: {
    meaning:
      'seconds a worker holds an email it is sending before another may take it over (see below)',
  },
  EMAIL_RETRIES: {
    meaning: 'tries of an email before it is dead-lettered (replayable in the admin)',
  },
  EMAIL_RETRY_DELAY_MS: {
    meaning: 'the pause before the second try of an email, doubling after each failure',
  },
  LOW_STOCK_THRESHOLD: {
    meaning: 'units left to sell at which the store team gets one alert per variant',
  },
  LOW_STOCK_ALERT_EMAIL: { default: '`ADMIN_EMAIL`', meaning: 'where low-stock alerts go' },
  MAIL_FROM: { meaning: "sender of the store's emails" },
  TRUST_PROXY: {
    meaning:
      "the proxy's address/CIDR or hop count, so rate limits see the client's address (see below)",
  },
  PAYMENT_PROVIDER: { meaning: '`local` (the test gateway) or `stripe`' },
  PAYMENT_GATEWAY_URL: {
    default: 'unset → the gateway runs inside, at `/gateway`',
    meaning: 'the local gateway in its own process (`npm run start:gateway`)',
  },
  PAYMENT_GATEWAY_PUBLIC_URL: {
    default: '`PAYMENT_GATEWAY_URL`',
    meaning: "where browsers reach that gateway; the store's `/gateway/pay/…` redirects there",
  },
  PAYMENT_GATEWAY_KEY: {
    default: 'derived from the token key',
    meaning: "the local gateway's API key (set both sides alike)",
  },
  PAYMENT_WEBHOOK_SECRET: {
    default: 'derived from the token key',
    meaning: "the local gateway's webhook signing secret (set both sides alike)",
  },
  PAYMENT_WEBHOOK_URL: {
    default: '`http://127.0.0.1:PORT/api/v1/webhooks/payments/local`',
    meaning: 'where the in-store gateway sends its webhooks',
  },
  STRIPE_SECRET_KEY: { default: 'none (required for `stripe`)', meaning: "Stripe's API key" },
  STRIPE_WEBHOOK_SECRET: {
    default: 'none (required for `stripe`)',
    meaning: "Stripe's webhook signing secret",
  },
  STRIPE_PUBLISHABLE_KEY: {
    default: 'none (required for `stripe`)',
    meaning:
      "Stripe's publishable key, handed to the storefront's card step by `GET /api/v1/checkout-config`",
  },
  PAYMENT_TEST_MODE: {
    meaning:
      '`true`: a test store, taking test money only (a banner on every page, orders and emails say so); Stripe test keys imply it, live keys refuse it; production needs it to run the local gateway',
  },
  STRIPE_API_URL: {
    default: 'Stripe (with `STRIPE_STAND_IN`: this store)',
    meaning: 'another endpoint for the Stripe SDK (a proxy)',
  },
  STRIPE_STAND_IN: {
    meaning:
      "`true`: the store serves stand-ins of Stripe.js and Stripe's API (tests without the internet; never in production)",
  },
  METRICS_TOKEN: {
    default: 'none',
    meaning:
      'bearer token `/metrics` requires; unset: open in development, not served in production',
  },
  METRICS_PORT: {
    default: 'none',
    meaning: 'also serve `/metrics` on 127.0.0.1 at this port (for a worker on its own, say)',
  },
  SEED_ON_START: { meaning: 'seed the demo catalog when the store has no products' },
};
