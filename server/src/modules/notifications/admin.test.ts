import { beforeAll, expect, it } from 'vitest';
import { describeEachBackend, eventually } from '../../../test/harness.js';
import { checkoutKit, uniqueEmail } from '../../../test/kits/checkout.js';
import type { DevMailbox } from './mailer.js';
import { notificationsKit } from '../../../test/kits/notifications.js';

interface Item {
  id: string;
  to: string;
  template: string;
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

describeEachBackend('the admin view of emails on %s backends', (backend) => {
  const kit = notificationsKit(backend);
  const { mail, get, register, stockedVariant, cartWith, placeOrder, rowsFor } = kit;
  const shopper = uniqueEmail();
  const refused = uniqueEmail();
  let customerHeaders: Record<string, string>;

  const list = async (query: string) => {
    const response = await get(`/admin/notifications?${query}`, kit.admin());
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { items: Item[]; nextCursor: string | null };
  };

  beforeAll(async () => {
    customerHeaders = (await register(shopper)).headers;
    // The welcome email is recorded before the order is placed, so "newest first" has one answer:
    // the two events reach different consumers, which may otherwise record them in either order.
    await eventually(async () => (await rowsFor(shopper)).length === 1);
    const v = await stockedVariant(3);
    const placed = await placeOrder(await cartWith([{ variantId: v.variantId, quantity: 1 }]), {
      email: shopper,
    });
    expect(placed.statusCode, placed.body).toBe(201);
    mail.smtp.refuse(refused);
    await register(refused);
    // Sent as the store records it: the SMTP server has a message a moment before its row says so.
    await eventually(async () => {
      const rows = await rowsFor(shopper);
      return rows.length === 2 && rows.every((row) => row.status === 'sent');
    });
    await eventually(async () => ((await rowsFor(refused))[0]?.attempts ?? 0) >= 1);
  });

  it('lists a recipient’s emails newest first, whatever the case of the address', async () => {
    const { items, nextCursor } = await list(`to=${encodeURIComponent(shopper.toUpperCase())}`);
    expect(nextCursor).toBeNull();
    expect(items.map((i) => i.template)).toEqual(['order_received', 'welcome']);
    const [order] = items;
    expect(order).toMatchObject({
      to: shopper,
      status: 'sent',
      attempts: 1,
      lastError: null,
      subject: expect.stringMatching(/^Order SR-\w+ received$/),
    });
    expect(Date.parse(order?.createdAt ?? '')).toBeGreaterThan(0);
    expect(Date.parse(order?.sentAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(order?.createdAt ?? ''),
    );
  });

  it('filters by template and by status', async () => {
    expect((await list(`to=${shopper}&template=welcome`)).items).toHaveLength(1);
    expect((await list(`to=${shopper}&status=failed`)).items).toEqual([]);
    const failed = await list(`to=${refused}&status=failed`);
    expect(failed.items).toMatchObject([{ template: 'welcome', status: 'failed', sentAt: null }]);
    expect(failed.items[0]?.lastError).toContain('450');
    mail.smtp.accept(refused);
  });

  it('pages with an opaque cursor', async () => {
    const first = await list(`to=${shopper}&limit=1`);
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(`to=${shopper}&limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    expect(second.nextCursor).toBeNull();
  });

  it('shows one email as it was sent, bodies included', async () => {
    const [welcome] = (await list(`to=${shopper}&template=welcome`)).items;
    const response = await get(`/admin/notifications/${welcome?.id}`, kit.admin());
    expect(response.statusCode, response.body).toBe(200);
    const detail = response.json() as Item & {
      html: string;
      text: string;
      eventId: string;
      providerMessageId: string;
    };
    expect(detail).toMatchObject({ id: welcome?.id, template: 'welcome', status: 'sent' });
    expect(detail.providerMessageId).toBe(`<${welcome?.id}@stride.local>`);
    expect(detail.html).toContain('<h1');
    expect(detail.text).toContain(`Your account ${shopper} is ready`);
    const [received] = mail.smtp.to(shopper).filter((m) => m.subject === 'Welcome to Stride');
    expect(received?.html).toBe(detail.html);
  });

  it('answers 400 to a bad filter or cursor and 404 to an unknown email', async () => {
    for (const query of ['status=bounced', 'template=nope', 'cursor=xyz', 'limit=500', 'x=1']) {
      expect((await get(`/admin/notifications?${query}`, kit.admin())).statusCode).toBe(400);
    }
    const missing = await get(
      '/admin/notifications/0190a2b4-0000-7000-8000-000000000000',
      kit.admin(),
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found' });
  });

  it('is for the store team only: 401 without a token, 403 for a customer', async () => {
    for (const url of [
      '/admin/notifications',
      '/admin/notifications/0190a2b4-0000-7000-8000-000000000000',
    ]) {
      expect((await get(url)).statusCode).toBe(401);
      const asCustomer = await get(url, customerHeaders);
      expect(asCustomer.statusCode).toBe(403);
      expect(asCustomer.json()).toMatchObject({ code: 'forbidden' });
    }
  });
});

describeEachBackend('the dev mailbox (no SMTP_URL) on %s backends', (backend) => {
  // The real worker (`startWorker`), with the module as `modules/index.ts` lists it.
  const { ctx, get, register, admin } = checkoutKit(backend, { worker: true });

  it('records emails without sending them, and the admin can read them', async () => {
    const mailbox = ctx.store.services.notifications.mailer as DevMailbox;
    expect(mailbox.kind).toBe('dev');
    const { email } = await register();
    await eventually(async () => mailbox.messages.some((m) => m.to === email));
    // The mailbox holds the message a moment before the email's row says it was sent.
    let items: Item[] = [];
    await eventually(async () => {
      items = (await get(`/admin/notifications?to=${email}`, admin())).json().items as Item[];
      return items[0]?.status === 'sent';
    });
    expect(items).toMatchObject([{ template: 'welcome', status: 'sent', attempts: 1 }]);
    const detail = await get(`/admin/notifications/${items[0]?.id}`, admin());
    expect(detail.json()).toMatchObject({
      subject: 'Welcome to Stride',
      text: expect.stringContaining(`Your account ${email} is ready`),
      html: mailbox.messages.find((m) => m.to === email)?.html,
    });
  });
});
