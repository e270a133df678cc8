import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { createTransport as CreateTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * The mailer port: hand one email to whoever delivers it. SMTP (nodemailer) when SMTP_URL is set; a
 * dev mailbox otherwise, which records messages in memory without sending them (the store keeps
 * every rendered email, its secrets left out, in `notifications` too, so the admin API can show them
 * either way).
 * Both adapters pass `mailer.contract.ts`.
 */
export interface OutgoingEmail {
  /** One address; a list is refused (one notification, one recipient). */
  to: string;
  subject: string;
  html: string;
  text: string;
  /**
   * A stable id for this email. The same id gives the same Message-ID header, so a resend of one
   * notification is recognisably the same message to the receiving side.
   */
  id?: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'dev';
  /** Resolves once the server accepted the message; rejects when it did not. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

export interface RecordedEmail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  recordedAt: string;
}

export interface DevMailbox extends Mailer {
  readonly kind: 'dev';
  /** What was "sent", oldest first (the last `keep`). */
  readonly messages: readonly RecordedEmail[];
}

const singleAddress = z.email();

/** What both adapters check and normalise before anything leaves, so they behave the same. */
function prepare(email: OutgoingEmail) {
  const to = email.to.trim();
  if (!singleAddress.safeParse(to).success) {
    throw new Error(`not a single email address: ${JSON.stringify(email.to.slice(0, 100))}`);
  }
  // A line break in a header would start a new header: a subject is one line.
  const subject = email.subject.replace(/[\r\n]+/g, ' ').trim();
  return { ...email, to, subject };
}

/** The domain of the From address, for Message-IDs (`<id@domain>`). */
function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.split('@')[1]?.trim() || 'localhost';
}

const messageIdFor = (from: string, id: string | undefined) =>
  `<${id ?? randomUUID()}@${domainOf(from)}>`;

export interface SmtpMailerOptions {
  from: string;
  /** An upper bound on one send, connection included; past it the send is abandoned as failed. */
  sendTimeoutMs?: number;
}

/**
 * SMTP through nodemailer, one connection per message: emails are few, and a fresh connection never
 * meets a socket the server dropped while idle. Timeouts are far below nodemailer's defaults (minutes):
 * a worker must not hold a delivery for long while the server is unreachable; the bus retries later.
 */
export function createSmtpMailer(url: string, options: SmtpMailerOptions): Mailer {
  const sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
  // Settings in the URL's query (?connectionTimeout=…) win over these.
  // Required only with SMTP_URL set: the dev mailbox needs none of it.
  const { createTransport } = createRequire(import.meta.url)('nodemailer') as {
    createTransport: typeof CreateTransport;
  };
  const transport = createTransport(
    {
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      dnsTimeout: 10_000,
    },
    { from: options.from },
  );
  return {
    kind: 'smtp',
    async send(email) {
      const { to, subject, html, text, id } = prepare(email);
      const info = await transport.sendMail({
        to,
        subject,
        html,
        text,
        messageId: messageIdFor(options.from, id),
        signal: AbortSignal.timeout(sendTimeoutMs),
      });
      // nodemailer resolves even when some recipients were refused; with one recipient that is a failure.
      if ((info.rejected?.length ?? 0) > 0 || (info.accepted?.length ?? 0) === 0) {
        throw new Error(`the SMTP server refused ${to}: ${info.response ?? 'no response'}`);
      }
      return { messageId: info.messageId };
    },
    async close() {
      transport.close();
    },
  };
}

/** Records instead of sending; for development and for stores not yet given an SMTP server. */
export function createDevMailbox(options: {
  from: string;
  logger?: Logger;
  /** How many messages to keep in memory. */
  keep?: number;
}): DevMailbox {
  const keep = options.keep ?? 200;
  const messages: RecordedEmail[] = [];
  return {
    kind: 'dev',
    messages,
    async send(email) {
      const { to, subject, html, text, id } = prepare(email);
      const messageId = messageIdFor(options.from, id);
      messages.push({
        messageId,
        from: options.from,
        to,
        subject,
        html,
        text,
        recordedAt: new Date().toISOString(),
      });
      if (messages.length > keep) messages.splice(0, messages.length - keep);
      options.logger?.info(
        { to, subject, messageId },
        'email recorded in the dev mailbox, not sent',
      );
      return { messageId };
    },
    async close() {},
  };
}

/** The mailer the configuration asks for. */
export function createMailer(
  config: { SMTP_URL?: string | undefined; MAIL_FROM: string; NODE_ENV: string },
  logger: Logger,
): Mailer {
  if (config.SMTP_URL) return createSmtpMailer(config.SMTP_URL, { from: config.MAIL_FROM });
  if (config.NODE_ENV === 'production') {
    logger.warn('SMTP_URL is not set: emails are recorded in the dev mailbox and never sent');
  }
  return createDevMailbox({ from: config.MAIL_FROM, logger });
}
