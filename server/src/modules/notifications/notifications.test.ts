import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend, eventually } from '../../../test/harness.js';
import { uniqueEmail, type PlacedOrder } from '../../../test/kits/checkout.js';
import { formatMoney } from './html.js';
import { notificationsKit } from '../../../test/kits/notifications.js';

/** Emails end to end: an event is written, relayed, consumed, rendered and sent to a real SMTP server. */
describeEachBackend('notification emails on %s backends', (backend) => {
  const kit = notificationsKit(backend);
  const { ctx, mail, post, get, mailFor, rowsFor, stockedVariant, cartWith, placeOrder } = kit;

  async function registerAs(firstName: string, email = uniqueEmail()) {
    const response = await post('/auth/register', {
      email,
      password: 'correct horse battery staple',
      firstName,
      lastName: 'Runner',
    });
    expect(response.statusCode, response.body).toBe(201);
    return email;
  }

  async function order(email = uniqueEmail()) {
    const v = await stockedVariant(5);
    const response = await placeOrder(await cartWith([{ variantId: v.variantId, quantity: 2 }]), {
      email,
    });
    expect(response.statusCode, response.body).toBe(201);
    return { email, order: response.json() as PlacedOrder };
  }

  const { markPaid } = kit;

  it('welcomes a new account with one email, recorded as sent', async () => {
    const email = await registerAs('Ada');
    const [welcome, ...more] = await mailFor(email);
    expect(more).toEqual([]);
    expect(welcome?.subject).toBe('Welcome to Stride');
    expect(welcome?.from).toBe('Stride <orders@stride.local>');
    expect(welcome?.text).toContain(`Your account ${email} is ready`);
    expect(welcome?.text).toContain('Hi Ada,');
    expect(welcome?.html).toContain('href="http://localhost:3000"');
    // The server has the message a moment before the row records it sent.
    await eventually(async () => (await rowsFor(email))[0]?.status === 'sent');
    const [row] = await rowsFor(email);
    expect(row).toMatchObject({ template: 'welcome', status: 'sent', attempts: 1 });
    expect(welcome?.messageId).toBe(`<${row?.id}@stride.local>`);
  });

  it('sends the password reset link, and the link works', async () => {
    const email = await registerAs('Grace');
    const asked = await post('/auth/password-reset', { email });
    expect(asked.statusCode).toBe(202);
    await eventually(async () => mail.smtp.to(email).some((m) => m.subject.includes('Reset')));
    const reset = mail.smtp.to(email).find((m) => m.subject === 'Reset your Stride password');
    expect(reset?.text).toContain('Hi Grace,');
    expect(reset?.text).toContain('expires in 30 minutes');
    const link = /http:\/\/localhost:3000\/reset-password\?token=[\w-]+/.exec(reset?.text ?? '');
    expect(link).not.toBeNull();
    expect(reset?.html).toContain(`href="${link?.[0]}"`);
    const token = new URL(link?.[0] ?? '').searchParams.get('token');
    const confirmed = await post('/auth/password-reset/confirm', {
      token,
      password: 'a brand new passphrase here',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
  });

  it('escapes what a customer typed: a first name of <script> arrives as text', async () => {
    const email = await registerAs('<script>alert("x")</script>');
    await post('/auth/password-reset', { email });
    await eventually(async () => mail.smtp.to(email).some((m) => m.subject.includes('Reset')));
    const reset = mail.smtp.to(email).find((m) => m.subject.includes('Reset'));
    expect(reset?.html).toContain('Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,');
    expect(reset?.html).not.toContain('<script');
    // Plain text is not markup: it shows the name as typed.
    expect(reset?.text).toContain('Hi <script>alert("x")</script>,');
  });

  it('confirms a placed order with its number, lines and total, linking to the order', async () => {
    const { email, order: placed } = await order();
    const [received, ...more] = await mailFor(email);
    expect(more).toEqual([]);
    expect(received?.subject).toBe(`Order ${placed.number} received`);
    expect(received?.text).toContain(
      `Total, shipping and tax included  ${formatMoney(placed.total)}`,
    );
    expect(received?.text).toContain(`${placed.items[0]?.name} (`);
    expect(received?.text).toContain('× 2');
    expect(received?.text).toContain(`http://localhost:3000/orders/${placed.id}`);
    expect(received?.html).toContain(escape(formatMoney(placed.total)));
  });

  it('tells the customer the order shipped, with the carrier and tracking number', async () => {
    const { email, order: placed } = await order();
    await markPaid(placed.id);
    const fulfilled = await post(
      `/admin/orders/${placed.id}/fulfil`,
      { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' },
      kit.admin(),
    );
    expect(fulfilled.statusCode, fulfilled.body).toBe(200);
    await eventually(async () => mail.smtp.to(email).some((m) => m.subject.includes('shipped')));
    const shipped = mail.smtp.to(email).find((m) => m.subject.includes('shipped'));
    expect(shipped?.subject).toBe(`Order ${placed.number} has shipped`);
    expect(shipped?.text).toContain('Carrier  UPS');
    expect(shipped?.text).toContain('Tracking number  1Z999AA10123456784');
    expect(shipped?.html).toContain('1Z999AA10123456784');
  });

  it('tells the customer an order was cancelled, and whether money comes back', async () => {
    const unpaid = await order();
    const cancelled = await post(
      `/orders/${unpaid.order.id}/cancel?token=${unpaid.order.accessToken}`,
    );
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await eventually(async () =>
      mail.smtp.to(unpaid.email).some((m) => m.subject.includes('cancelled')),
    );
    const notCharged = mail.smtp.to(unpaid.email).find((m) => m.subject.includes('cancelled'));
    expect(notCharged?.text).toContain(
      `As you asked, we have cancelled order ${unpaid.order.number}`,
    );
    expect(notCharged?.text).toContain('You have not been charged');

    const paid = await order();
    await markPaid(paid.order.id);
    expect(
      (await post(`/admin/orders/${paid.order.id}/cancel`, undefined, kit.admin())).statusCode,
    ).toBe(200);
    await eventually(async () =>
      mail.smtp.to(paid.email).some((m) => m.subject.includes('cancelled')),
    );
    const refunded = mail.smtp.to(paid.email).find((m) => m.subject.includes('cancelled'));
    expect(refunded?.text).toContain('we had to cancel');
    expect(refunded?.text).toContain('a full refund is on its way');
  });

  it('sends one email for an event delivered twice, one after the other or at once', async () => {
    const email = await registerAs('Twice');
    await mailFor(email);
    const [row] = await queryRows<{ payload: unknown; id: string; occurred_at: Date }>(
      ctx.store.adapters.database.db,
      sql`SELECT id, payload, occurred_at FROM outbox
          WHERE type = 'user_registered' AND payload->>'email' = ${email}`,
    );
    const envelope = {
      id: row?.id ?? '',
      type: 'user_registered',
      version: 1,
      occurredAt: new Date(row?.occurred_at ?? 0).toISOString(),
      data: row?.payload,
    };
    await ctx.store.adapters.bus.publish(envelope);
    expect(await mailFor(email, 1, 800)).toHaveLength(1);

    // A new event published twice at once (a relay that crashed before marking it sent).
    const twin = { ...envelope, id: randomUUID(), occurredAt: new Date().toISOString() };
    await Promise.all([ctx.store.adapters.bus.publish(twin), ctx.store.adapters.bus.publish(twin)]);
    expect(await mailFor(email, 2, 1000)).toHaveLength(2);
    await eventually(async () => (await rowsFor(email)).every((r) => r.status === 'sent'));
    const rows = await rowsFor(email);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('retries an email the server refuses, records each refusal, and sends it once accepted', async () => {
    const email = uniqueEmail();
    mail.smtp.refuse(email);
    await registerAs('Patience', email);
    await eventually(async () => ((await rowsFor(email))[0]?.attempts ?? 0) >= 2);
    const [failing] = await rowsFor(email);
    expect(failing).toMatchObject({ status: 'failed', template: 'welcome' });
    expect(failing?.last_error).toContain('Mailbox temporarily unavailable');
    expect(mail.smtp.to(email)).toEqual([]);

    mail.smtp.accept(email);
    await eventually(async () => (await rowsFor(email))[0]?.status === 'sent');
    expect(await mailFor(email)).toHaveLength(1);
    const [sent] = await rowsFor(email);
    expect(sent?.attempts).toBeGreaterThanOrEqual(3);
    expect(sent?.last_error).toContain('Mailbox temporarily unavailable');
  });

  it('dead-letters an email refused on every try, leaving it failed for the store team', async () => {
    const email = uniqueEmail();
    mail.smtp.refuse(email);
    await registerAs('Unlucky', email);
    await eventually(async () => {
      const dead = await ctx.store.adapters.bus.deadLetters('notifications-email');
      return dead.some((e) => (e.data as { email?: string }).email === email);
    }, 15_000);
    const [row] = await rowsFor(email);
    expect(row).toMatchObject({ status: 'failed', attempts: 6 });
    mail.smtp.accept(email);

    const listed = await get(`/admin/notifications?to=${email}&status=failed`, kit.admin());
    expect(listed.json()).toMatchObject({
      items: [{ to: email, status: 'failed', attempts: 6, sentAt: null }],
    });
  });
});

const escape = (value: string) => value.replace(/&/g, '&amp;');
