import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, vi } from 'vitest';
import type { SubscribeOptions } from '../../src/platform/bus/port.js';
import { queryRows } from '../../src/platform/db/index.js';
import { eventually, freePort, silentLogger, type Backend, type TestStore } from '../harness.js';
import { startWorker } from '../../src/worker.js';
import { modules } from '../../src/modules/index.js';
import { checkoutKit } from './checkout.js';
import {
  createNotificationsModule,
  DeliveryInProgress,
  EmailNotSent,
  notificationsModule,
} from '../../src/modules/notifications/index.js';

/**
 * What the notification tests share: a real SMTP server (smtp-server) that collects what it accepts
 * and can refuse recipients, a store sending to it, and a worker whose email consumer retries fast.
 */

export interface ReceivedMail {
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

// --- A small MIME reader: enough for what nodemailer writes (multipart, quoted-printable, base64).

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at < 0 ? raw : raw.slice(0, at);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: at < 0 ? '' : raw.slice(at + 4) };
}

const qpBytes = (value: string) =>
  Buffer.from(
    value
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );

function decodeBody(body: string, encoding = '7bit'): string {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') return qpBytes(body).toString('utf8');
  return body;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=), as subjects with non-ASCII text use. */
const decodeWords = (value: string) =>
  value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : qpBytes(text.replace(/_/g, ' ')).toString('utf8'),
    );

function parts(raw: string): { type: string; content: string }[] {
  const { headers, body } = splitHead(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    return (
      body
        .split(`--${boundary}`)
        .slice(1, -1)
        // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1).
        .flatMap((part) => parts(part.replace(/^\r\n/, '').replace(/\r\n$/, '')))
    );
  }
  return [
    {
      type: type.toLowerCase(),
      // SMTP carries lines ending in CRLF; the text as written had LF.
      content: decodeBody(body, headers.get('content-transfer-encoding')).replace(/\r\n/g, '\n'),
    },
  ];
}

export function parseMail(raw: string, envelopeTo: string[]): ReceivedMail {
  const { headers } = splitHead(raw);
  const all = parts(raw);
  const content = (type: string) => all.find((p) => p.type.startsWith(type))?.content ?? '';
  return {
    envelopeTo,
    from: decodeWords(headers.get('from') ?? ''),
    to: decodeWords(headers.get('to') ?? ''),
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    text: content('text/plain'),
    html: content('text/html'),
  };
}

// --- The SMTP server.

export interface TestSmtpServer {
  url: string;
  /** Every message accepted, in order. */
  messages: ReceivedMail[];
  /** Messages accepted for one address. */
  to(address: string): ReceivedMail[];
  /** Refuse (450, try later) every RCPT TO for this address until `accept`. */
  refuse(address: string): void;
  accept(address: string): void;
  /** Hold each message this long before accepting it (a slow server). */
  delay(ms: number): void;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const refused = new Set<string>();
  let delayMs = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refused.has(address.address.toLowerCase())) return callback();
      callback(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 450 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const rcpt = session.envelope.rcptTo.map((a) => a.address.toLowerCase());
        setTimeout(() => {
          messages.push(parseMail(Buffer.concat(chunks).toString('utf8'), rcpt));
          callback();
        }, delayMs);
      });
    },
  });
  const port = await freePort();
  // A client that goes away mid-conversation (a worker killed with SIGKILL in the fault tests) is
  // an error on its connection, not on the server: it must not end the test process.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => m.envelopeTo.includes(address.toLowerCase())),
    refuse: (address) => void refused.add(address.toLowerCase()),
    accept: (address) => void refused.delete(address.toLowerCase()),
    delay: (ms) => void (delayMs = ms),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- The store and its worker.

/** Short waits between tries, so retry and dead-letter tests take a few seconds. */
export const fastRetry: SubscribeOptions = { maxAttempts: 6, retryDelayMs: 100 };

/**
 * The worker role as `startWorker` runs it (the outbox relay and every module's consumers), with
 * the notifications module built with test retry options; the modules' periodic jobs are left out.
 */
/** The worker, with the notifications consumer retrying fast so refusals can be tested. */
export function startTestWorker(store: TestStore, retry: SubscribeOptions) {
  return startWorker({
    config: store.config,
    adapters: store.adapters,
    services: store.services,
    logger: silentLogger,
    modules: modules.map((module) =>
      module.name === notificationsModule.name ? createNotificationsModule({ retry }) : module,
    ),
  });
}

export interface NotificationRow {
  id: string;
  event_id: string;
  template: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

/**
 * The in-process bus reports every failed try on the console; here refusals are the point of the
 * tests, so those (and only those) are left out. Anything else still prints.
 */
function quietExpectedRetries() {
  const print = console.error.bind(console);
  const expected = (args: unknown[]) =>
    typeof args[0] === 'string' &&
    args[0].startsWith('[memory bus] handler failed') &&
    (args[1] instanceof EmailNotSent || args[1] instanceof DeliveryInProgress);
  let spy: { mockRestore(): void } | undefined;
  beforeAll(() => {
    spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (!expected(args)) print(...args);
    });
  });
  afterAll(() => spy?.mockRestore());
}

/** The checkout kit's store, sending through a test SMTP server, with a fast-retrying worker. */
export function notificationsKit(backend: Backend, retry: SubscribeOptions = fastRetry) {
  const env: Record<string, string> = {};
  const mail = {} as { smtp: TestSmtpServer; worker?: { stop(): Promise<void> } };
  quietExpectedRetries();
  beforeAll(async () => {
    mail.smtp = await startSmtpServer();
    // Read by the checkout kit's beforeAll, which runs after this one.
    env.SMTP_URL = mail.smtp.url;
  });
  const kit = checkoutKit(backend, { env });
  beforeAll(async () => {
    mail.worker = await startTestWorker(kit.ctx.store, retry);
  });
  // After hooks run in reverse: this one, before the checkout kit closes the store.
  afterAll(async () => {
    await mail.worker?.stop();
    await mail.smtp?.close();
  });

  const rowsFor = (to: string) =>
    queryRows<NotificationRow>(
      kit.ctx.store.adapters.database.db,
      sql`SELECT id, event_id, template, status, attempts, last_error FROM notifications
          WHERE "to" = ${to} ORDER BY id`,
    );

  /** Wait for `count` messages to `address`, then a moment more, to see that no extra one comes. */
  async function mailFor(address: string, count = 1, settleMs = 400) {
    await eventually(async () => mail.smtp.to(address).length >= count);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return mail.smtp.to(address);
  }

  return { ...kit, mail, rowsFor, mailFor };
}
