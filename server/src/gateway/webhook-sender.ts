import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Db } from '../platform/db/index.js';
import { signatureHeader, signPayload } from './signature.js';

export interface WebhookSenderOptions {
  db: Db;
  /** Where the store receives this gateway's webhooks. */
  url: string;
  secret: string;
  logger: Logger;
  /** How often due webhooks are looked for when nothing kicks the sender. */
  pollMs?: number;
  /** First retry delay; each later one doubles, up to `maxDelayMs`. */
  retryDelayMs?: number;
  maxDelayMs?: number;
  /** After this long undelivered, a webhook is given up (and stays visible in gateway.webhooks). */
  giveUpAfterMs?: number;
  timeoutMs?: number;
}

/**
 * Sends the gateway's queued webhooks, as a real provider does: asynchronously after the charge,
 * signed at each try (a fresh timestamp, so a retry is never stale), and retried with growing delays
 * until the store answers 2xx. Rows are claimed with SKIP LOCKED and a lease, so several gateway
 * processes share the work and a sender that dies mid-request leaves its rows to the next one.
 */
export function startWebhookSender(options: WebhookSenderOptions) {
  const pollMs = options.pollMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 10 * 60_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 3 * 24 * 3600_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseMs = timeoutMs + 5_000;
  const { db, logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function deliver(row: { id: string; body: string; attempts: number }) {
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [signatureHeader]: signPayload(options.secret, row.body),
        },
        body: row.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`the store answered ${response.status}`);
      await db.execute(
        sql`UPDATE gateway.webhooks SET delivered_at = now(), last_error = NULL WHERE id = ${row.id}`,
      );
    } catch (error) {
      const delay = Math.min(maxDelayMs, retryDelayMs * 2 ** Math.max(0, row.attempts - 1));
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(
        { webhook: row.id, attempts: row.attempts, err: message },
        'webhook not acknowledged; will retry',
      );
      await db
        .execute(
          sql`UPDATE gateway.webhooks
              SET last_error = ${message.slice(0, 500)},
                  next_attempt_at = now() + ${delay} * interval '1 millisecond',
                  abandoned_at = CASE WHEN created_at < now() - ${giveUpAfterMs} * interval '1 millisecond'
                                      THEN now() END
              WHERE id = ${row.id}`,
        )
        .catch((err: unknown) => logger.error({ err }, 'could not record a webhook failure'));
    }
  }

  async function sendDue() {
    for (;;) {
      const due = await queryRows<{ id: string; body: string; attempts: number }>(
        db,
        sql`UPDATE gateway.webhooks w
            SET attempts = w.attempts + 1, next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
            WHERE w.id IN (SELECT id FROM gateway.webhooks
                           WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= now()
                           ORDER BY next_attempt_at LIMIT 50 FOR UPDATE SKIP LOCKED)
            RETURNING w.id, w.body, w.attempts`,
      );
      if (due.length === 0 || stopped) return;
      await Promise.all(due.map(deliver));
    }
  }

  function run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = sendDue()
      .catch((err: unknown) => logger.warn({ err }, 'webhook sender could not read its queue'))
      .finally(() => {
        running = undefined;
        if (stopped) return;
        if (again) {
          again = false;
          run();
        } else timer = setTimeout(run, pollMs).unref();
      });
  }
  timer = setTimeout(run, 0).unref();

  return {
    /** Something was queued: send it now rather than at the next poll. */
    kick: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type WebhookSender = ReturnType<typeof startWebhookSender>;
