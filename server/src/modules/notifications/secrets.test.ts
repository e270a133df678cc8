import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, eventually, openTestAdapters } from '../../../test/harness.js';
import { migrateBefore } from '../../../test/migrations.js';
import { uniqueEmail, type PlacedOrder } from '../../../test/kits/checkout.js';
import { notificationsKit } from '../../../test/kits/notifications.js';

/**
 * The email log and the event log are for the store team: an email's secrets (the reset link, a
 * guest's order token) reach the customer's mailbox and nowhere the store keeps or shows.
 */
describeEachBackend('secrets in emails on %s backends', (backend) => {
  const kit = notificationsKit(backend);
  const { mail, get, post, register, rowsFor, stockedVariant, cartWith, placeOrder } = kit;

  /** What the store team can read about one email: its admin view and the events that asked for it. */
  async function adminViews(to: string, template: string) {
    let id: string | undefined;
    await eventually(async () => {
      const rows = await rowsFor(to);
      id = rows.find((row) => row.template === template && row.status === 'sent')?.id;
      return id !== undefined;
    });
    const detail = await get(`/admin/notifications/${id}`, kit.admin());
    expect(detail.statusCode, detail.body).toBe(200);
    const events = await get('/admin/events?type=send_email&limit=100', kit.admin());
    expect(events.statusCode, events.body).toBe(200);
    return { detail: detail.json() as { html: string; text: string }, events: events.body };
  }

  const tokensIn = (body: string) =>
    [...body.matchAll(/token=([^"&\s<]+)/g)].map((m) => decodeURIComponent(m[1] ?? ''));

  it('shows a reset email without its link; the emailed link alone works', async () => {
    const { email } = await register();
    expect((await post('/auth/password-reset', { email })).statusCode).toBe(202);
    await eventually(async () => mail.smtp.to(email).some((m) => m.subject.includes('Reset')));
    const sent = mail.smtp.to(email).find((m) => m.subject.includes('Reset'));
    const token = /reset-password\?token=([\w-]+)/.exec(sent?.text ?? '')?.[1] as string;
    expect(token).toMatch(/^[\w-]{20,}$/);

    const { detail, events } = await adminViews(email, 'password_reset');
    for (const body of [detail.html, detail.text, events]) expect(body).not.toContain(token);
    expect(detail.text).toMatch(/Choose a new password: a one-time link valid until .+ UTC/);
    // Whatever the admin view holds that looks like a token opens nothing.
    for (const candidate of tokensIn(`${detail.html}${detail.text}`)) {
      const tried = await post('/auth/password-reset/confirm', {
        token: candidate,
        password: 'a passphrase from the log',
      });
      expect(tried.statusCode).toBe(400);
      expect(tried.json()).toMatchObject({ code: 'invalid_token' });
    }

    const confirmed = await post('/auth/password-reset/confirm', {
      token,
      password: 'a passphrase from the email',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
  });

  it('shows a guest’s order email with a link that carries no access token', async () => {
    const email = uniqueEmail();
    const v = await stockedVariant(2);
    const placed = await placeOrder(await cartWith([{ variantId: v.variantId, quantity: 1 }]), {
      email,
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json() as PlacedOrder & { accessToken: string };
    expect(order.accessToken).toBeTruthy();
    const [sent] = await kit.mailFor(email);
    const link = `/orders/${order.id}?token=${encodeURIComponent(order.accessToken)}`;
    expect(sent?.text).toContain(link);

    const { detail } = await adminViews(email, 'order_received');
    for (const body of [detail.html, detail.text]) {
      expect(body).not.toContain(order.accessToken);
      expect(body).not.toContain(encodeURIComponent(order.accessToken));
      expect(tokensIn(body)).toEqual([]);
    }
    expect(detail.text).toContain(`http://localhost:3000/orders/${order.id}`);
    // The emailed link opens the order for the guest.
    const opened = await get(link);
    expect(opened.statusCode, opened.body).toBe(200);
  });
});

describeEachBackend('secrets kept before the upgrade, on %s backends', (backend) => {
  let adapters: Awaited<ReturnType<typeof openTestAdapters>>;
  const resetUrl = 'http://localhost:3000/reset-password?token=live-reset-secret_1';
  const orderUrl = 'http://localhost:3000/orders/0190a2b4-0000-7000-8000-000000000001';
  const guestUrl = `${orderUrl}?token=guest%26order-secret`;
  const run = (query: ReturnType<typeof sql>) => adapters.database.db.execute(query);

  beforeAll(async () => {
    adapters = await openTestAdapters(backend);
    await migrateBefore(adapters.database, '0019_email_secrets');
    // Rows as the store wrote them before: secrets in the bodies and in the reset event.
    const [user] = await queryRows<{ id: string }>(
      adapters.database.db,
      sql`INSERT INTO users (email, password_hash, first_name, last_name)
          VALUES ('old@example.com', 'x', 'Old', 'Row') RETURNING id`,
    );
    await run(sql`INSERT INTO password_resets (token_hash, user_id, expires_at)
                  VALUES (${'a'.repeat(64)}, ${user?.id}::uuid, now() + interval '20 minutes')`);
    const email = { to: 'old@example.com', template: 'password_reset' };
    for (const [template, link] of [
      ['password_reset', resetUrl],
      ['order_received', guestUrl],
    ] as const) {
      await run(sql`INSERT INTO notifications (event_id, "to", template, subject, body_html, body_text)
                    VALUES (${randomUUID()}::uuid, 'old@example.com', ${template}, 'Old',
                            ${`<a href="${link.replace('&', '&amp;')}">Open</a>`}, ${`Open: ${link}\n`})`);
    }
    const payload = JSON.stringify({
      ...email,
      data: { firstName: 'Old', resetUrl, expiresInMinutes: 30 },
    });
    await run(sql`INSERT INTO outbox (type, payload) VALUES ('send_email', ${payload}::jsonb)`);
    await run(sql`INSERT INTO dead_letters (consumer, event_id, type, version, payload, error)
                  VALUES ('notifications-email', ${randomUUID()}::uuid, 'send_email', 1,
                          ${payload}::jsonb, 'smtp down')`);
    await adapters.database.migrate();
  });
  afterAll(() => adapters?.dispose());

  it('withholds the tokens in stored bodies, keeping the rest of each link', async () => {
    const rows = await queryRows<{ template: string; body_html: string; body_text: string }>(
      adapters.database.db,
      sql`SELECT template, body_html, body_text FROM notifications ORDER BY template`,
    );
    expect(rows).toEqual([
      {
        template: 'order_received',
        body_html: `<a href="${orderUrl}?token=withheld">Open</a>`,
        body_text: `Open: ${orderUrl}?token=withheld\n`,
      },
      {
        template: 'password_reset',
        body_html: '<a href="http://localhost:3000/reset-password?token=withheld">Open</a>',
        body_text: 'Open: http://localhost:3000/reset-password?token=withheld\n',
      },
    ]);
  });

  it('drops the reset link from the outbox and dead letters, and ends the open link', async () => {
    for (const table of [sql`outbox`, sql`dead_letters`]) {
      const [row] = await queryRows<{ payload: { to: string; data: Record<string, unknown> } }>(
        adapters.database.db,
        sql`SELECT payload FROM ${table} WHERE type = 'send_email'`,
      );
      expect(row?.payload).toEqual({
        to: 'old@example.com',
        template: 'password_reset',
        data: { firstName: 'Old', expiresInMinutes: 30 },
      });
    }
    const open = await queryRows(
      adapters.database.db,
      sql`SELECT 1 FROM password_resets WHERE used_at IS NULL AND expires_at > now()`,
    );
    expect(open).toEqual([]);
  });
});
