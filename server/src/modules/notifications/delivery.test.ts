import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { ValidationFailed } from '../../platform/errors.js';
import { describeEachBackend, openTestAdapters, silentLogger } from '../../../test/harness.js';
import { createDelivery, DeliveryInProgress, EmailNotSent, type Delivery } from './delivery.js';
import { createSmtpMailer } from './mailer.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/kits/notifications.js';

/**
 * The once-per-event core on its own, against the real database and a real SMTP server: concurrent
 * deliveries of one event, a worker that died holding a claim, and what a retry sends.
 */
describeEachBackend('email delivery on %s backends', (backend) => {
  let adapters: Awaited<ReturnType<typeof openTestAdapters>>;
  let smtp: TestSmtpServer;
  let delivery: Delivery;

  beforeAll(async () => {
    adapters = await openTestAdapters(backend);
    await adapters.database.migrate();
    smtp = await startSmtpServer();
    delivery = createDelivery({
      db: adapters.database.db,
      mailer: createSmtpMailer(smtp.url, { from: 'Stride <orders@stride.local>' }),
      brand: { storeName: 'Stride', publicUrl: 'http://localhost:3000' },
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await smtp?.close();
    await adapters?.dispose();
  });

  const welcome = (to: string, eventId = randomUUID(), firstName = 'Ada') => ({
    eventId,
    to,
    template: 'welcome',
    data: { email: to, firstName },
  });
  const rowsOf = (eventId: string) =>
    queryRows<{ id: string; status: string; attempts: number; lease_until: Date | null }>(
      adapters.database.db,
      sql`SELECT id, status, attempts, lease_until FROM notifications
          WHERE event_id = ${eventId}::uuid ORDER BY id`,
    );

  it('sends once when two workers deliver the same event at the same time', async () => {
    const request = welcome('both@example.com');
    smtp.delay(300);
    const outcomes = await Promise.allSettled([
      delivery.deliver(request),
      delivery.deliver(request),
    ]);
    smtp.delay(0);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(DeliveryInProgress);
    expect(await delivery.deliver(request)).toBe('already_sent');
    expect(smtp.to('both@example.com')).toHaveLength(1);
    expect(await rowsOf(request.eventId)).toMatchObject([
      { status: 'sent', attempts: 1, lease_until: null },
    ]);
  });

  it('takes over from a worker that died mid-send once its lease has run out', async () => {
    const to = 'takeover@example.com';
    const request = welcome(to);
    smtp.refuse(to);
    await expect(delivery.deliver(request)).rejects.toBeInstanceOf(EmailNotSent);
    smtp.accept(to);
    // As a worker leaves it when it dies between claiming and recording: pending, lease running.
    const db = adapters.database.db;
    await db.execute(sql`UPDATE notifications SET status = 'pending',
                         lease_until = now() + interval '1 minute' WHERE event_id = ${request.eventId}::uuid`);
    await expect(delivery.deliver(request)).rejects.toBeInstanceOf(DeliveryInProgress);
    expect(smtp.to(to)).toEqual([]);
    await db.execute(sql`UPDATE notifications SET lease_until = now() - interval '1 second'
                         WHERE event_id = ${request.eventId}::uuid`);
    expect(await delivery.deliver(request)).toBe('sent');
    expect(smtp.to(to)).toHaveLength(1);
    expect(await rowsOf(request.eventId)).toMatchObject([{ status: 'sent', attempts: 2 }]);
  });

  it('sends on a retry what was recorded on the first try', async () => {
    const to = 'retry@example.com';
    const eventId = randomUUID();
    smtp.refuse(to);
    await expect(delivery.deliver(welcome(to, eventId, 'First'))).rejects.toThrow(/450/);
    smtp.accept(to);
    await delivery.deliver(welcome(to, eventId, 'Second'));
    const [sent] = smtp.to(to);
    expect(sent?.text).toContain('Hi First,');
  });

  it('keeps one notification per template and recipient of an event', async () => {
    const eventId = randomUUID();
    await delivery.deliver(welcome('one@example.com', eventId));
    await delivery.deliver(welcome('two@example.com', eventId));
    expect(await delivery.deliver(welcome('one@example.com', eventId))).toBe('already_sent');
    expect(await rowsOf(eventId)).toHaveLength(2);
  });

  it('refuses an email it cannot render before recording or sending anything', async () => {
    const eventId = randomUUID();
    await expect(
      delivery.deliver({ eventId, to: 'x@example.com', template: 'nope', data: {} }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    await expect(
      delivery.deliver({ eventId, to: 'x@example.com', template: 'welcome', data: {} }),
    ).rejects.toBeInstanceOf(ValidationFailed);
    expect(await rowsOf(eventId)).toEqual([]);
    expect(smtp.to('x@example.com')).toEqual([]);
  });
});
