import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Db } from '../../platform/db/index.js';
import { withoutSecrets, type Brand } from './html.js';
import type { Mailer } from './mailer.js';
import type { NotificationStatus } from './tables.js';
import { renderEmail, type RenderedEmail } from './templates.js';

/** One email an event asks for. */
export interface EmailRequest {
  /** The envelope id of the event: with the template and recipient, the notification's identity. */
  eventId: string;
  to: string;
  template: string;
  data: unknown;
}

/** Another delivery of the same email is sending it right now; try again later. */
export class DeliveryInProgress extends Error {}

/** The mail server did not take the message; the attempt is recorded, the bus will retry. */
export class EmailNotSent extends Error {}

export interface DeliveryOptions {
  db: Db;
  mailer: Mailer;
  brand: Brand;
  logger: Logger;
  /**
   * How long a claim to send lasts. It must outlast the longest possible send (the SMTP adapter
   * abandons one after 60 s), so only a worker that died mid-send can lose its claim.
   */
  leaseSeconds?: number;
}

interface ClaimedRow {
  id: string;
  to: string;
  /** The data of the first try (null on rows recorded before the column existed). */
  data: unknown;
}

const describe = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * Sends each requested email once, however often its event is delivered. Three short statements,
 * none of them inside a transaction that spans the SMTP call:
 *
 * 1. claim: insert the notification (rendered without its secrets: see below) keyed by (event id,
 *    template, recipient), or take over the existing one, setting a lease, in one atomic
 *    `INSERT … ON CONFLICT DO UPDATE … WHERE`.
 *    A row already `sent` is never claimed (the redelivery sends nothing); a row under another
 *    worker's live lease is not either (that delivery throws and the bus retries it later, by
 *    which time the row is `sent`, or, with the default retry span, the lease of a worker that
 *    died has run out; see `defaultEmailRetry` in consumers.ts for a shorter span).
 * 2. send, holding no lock and no transaction, the email rendered with its secrets.
 * 3. mark `sent` (or `failed` with the error and one more attempt, then throw so the bus retries
 *    with backoff and finally dead-letters).
 *
 * The one case that sends twice: the server accepted the message and the worker died (or lost the
 * database) before step 3 recorded it. The lease then runs out and a redelivery sends again. That
 * copy carries the same Message-ID, which lets receiving systems that de-duplicate drop it. No
 * design without the mail server's cooperation closes this window: acceptance and our record of it
 * cannot be made atomic.
 *
 * The row keeps the email as the store team may read it (`/admin/notifications`): a password reset
 * link and a guest order link's token are rendered only into the message handed to the mail
 * server, never stored (`withoutSecrets` in html.ts). The row keeps the template's data instead (ids,
 * no secret), and every try renders it again: what is sent is what the row shows, secrets aside.
 */
export function createDelivery(options: DeliveryOptions) {
  const { db, mailer, brand, logger } = options;
  const leaseSeconds = options.leaseSeconds ?? 180;

  const statusOf = async (request: EmailRequest) =>
    (
      await queryRows<{ status: NotificationStatus }>(
        db,
        sql`SELECT status FROM notifications
            WHERE event_id = ${request.eventId}::uuid AND template = ${request.template}
              AND "to" = ${request.to}`,
      )
    )[0]?.status;

  async function claim(
    request: EmailRequest,
    kept: RenderedEmail,
  ): Promise<ClaimedRow | undefined> {
    // The bodies and data of a first attempt are kept on a retry.
    const [row] = await queryRows<ClaimedRow>(
      db,
      sql`INSERT INTO notifications (event_id, "to", template, subject, body_html, body_text, data, lease_until)
          VALUES (${request.eventId}::uuid, ${request.to}, ${request.template}, ${kept.subject},
                  ${kept.html}, ${kept.text}, ${JSON.stringify(request.data)}::jsonb,
                  now() + make_interval(secs => ${leaseSeconds}))
          ON CONFLICT (event_id, template, "to") DO UPDATE
            SET lease_until = EXCLUDED.lease_until, updated_at = now()
            WHERE notifications.status <> 'sent'
              AND (notifications.lease_until IS NULL OR notifications.lease_until <= now())
          RETURNING id, "to", data`,
    );
    return row;
  }

  /**
   * Recording success is retried a few times: once the server has the message, losing this update
   * to a passing database hiccup would mean a second copy later.
   */
  async function markSent(id: string, messageId: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        await db.execute(sql`
          UPDATE notifications
          SET status = 'sent', sent_at = now(), updated_at = now(), attempts = attempts + 1,
              provider_message_id = ${messageId}, lease_until = NULL
          WHERE id = ${id}::uuid`);
        return;
      } catch (error) {
        if (attempt >= 3) {
          logger.error(
            { err: error, notificationId: id, messageId },
            'email sent but not recorded as sent; a redelivery may send it again',
          );
          throw error;
        }
        await sleep(250 * attempt);
      }
    }
  }

  const markFailed = (id: string, error: unknown) =>
    db.execute(sql`
      UPDATE notifications
      SET status = 'failed', attempts = attempts + 1, last_error = ${describe(error)},
          lease_until = NULL, updated_at = now()
      WHERE id = ${id}::uuid AND status <> 'sent'`);

  return {
    /** Send the email unless this event's copy was sent already. Throws when it must be retried. */
    async deliver(request: EmailRequest): Promise<'sent' | 'already_sent'> {
      const normalised = { ...request, to: request.to.trim() };
      // Skips rendering (and what it looks up) on the common redelivery of a sent email.
      if ((await statusOf(normalised)) === 'sent') return 'already_sent';
      // Data that fits no template fails here, before anything is written.
      const kept = renderEmail(withoutSecrets(brand), normalised.template, normalised.data);
      const row = await claim(normalised, kept);
      if (!row) {
        if ((await statusOf(normalised)) === 'sent') return 'already_sent';
        throw new DeliveryInProgress(
          `${normalised.template} email for event ${normalised.eventId} is being sent by another worker`,
        );
      }
      // A retry sends what the first try rendered (the shopper saw those names and prices).
      const sent = renderEmail(brand, normalised.template, row.data ?? normalised.data);
      let messageId: string;
      try {
        ({ messageId } = await mailer.send({
          id: row.id,
          to: row.to,
          subject: sent.subject,
          html: sent.html,
          text: sent.text,
        }));
      } catch (error) {
        await markFailed(row.id, error);
        logger.warn(
          { notificationId: row.id, template: normalised.template, err: describe(error) },
          'email not sent; the bus will retry',
        );
        throw new EmailNotSent(`email ${row.id} not sent: ${describe(error)}`, { cause: error });
      }
      await markSent(row.id, messageId);
      logger.info({ notificationId: row.id, template: normalised.template }, 'email sent');
      return 'sent';
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
