import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/harness.js';
import { checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';

interface Entry {
  actor: { id: string; email: string | null } | null;
  action: string;
  target: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Every admin write in the audit log, in the transaction of the write; nothing else in it. */
describeEachBackend('the audit log (%s)', (backend) => {
  const kit = checkoutKit(backend);
  const audit = async (query = '') => {
    const response = await kit.get(`/admin/audit?limit=100${query}`, kit.admin());
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: Entry[] }).items;
  };

  it('records who changed what, before and after, for each kind of admin write', async () => {
    const variant = await kit.stockedVariant(10);
    const set = await kit.request(
      'PATCH',
      `/admin/variants/${variant.variantId}/inventory`,
      { onHand: 7 },
      kit.admin(),
    );
    expect(set.statusCode).toBe(200);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity: 1 }]);
    const order = (await kit.placeOrder(cartId)).json() as PlacedOrder;
    await kit.markPaid(order.id);
    expect(
      (await kit.post(`/admin/orders/${order.id}/refund`, { amount: 100 }, kit.admin())).statusCode,
    ).toBe(200);
    const code = `AUDIT${Date.now().toString(36).toUpperCase()}`;
    const created = await kit.post(
      '/admin/discounts',
      { code, kind: 'percent', value: 10, currency: 'USD', minSubtotal: 0, active: true },
      kit.admin(),
    );
    expect(created.statusCode, created.body).toBe(201);
    const discountId = (created.json() as { id: string }).id;
    await kit.request('PATCH', `/admin/discounts/${discountId}`, { active: false }, kit.admin());
    const customer = await kit.register();
    await kit.post(`/admin/customers/${customer.userId}/deactivate`, undefined, kit.admin());

    const entries = await audit();
    const find = (action: string, target: string) =>
      entries.find((e) => e.action === action && e.target === target);
    expect(find('inventory.set', `variant:${variant.variantId}`)).toMatchObject({
      before: { onHand: 10, reserved: 0 },
      after: { onHand: 7, reserved: 0 },
    });
    // The admin asked for a refund; the order moves when the provider has made it (the system's).
    expect(find('order.refund', `order:${order.id}`)).toMatchObject({
      before: { status: 'paid' },
      after: { amount: 100, currency: 'USD' },
    });
    expect(find('discount.create', `discount:${discountId}`)?.after).toMatchObject({
      code,
      active: true,
    });
    expect(find('discount.update', `discount:${discountId}`)).toMatchObject({
      before: { active: true },
      after: { active: false },
    });
    expect(find('account.deactivate', `user:${customer.userId}`)?.after).toHaveProperty(
      'deactivatedAt',
    );
    for (const entry of entries) expect(entry.actor?.email).toMatch(/@stride\.test$/);

    // Filtered by the record: its whole story.
    const story = await audit(`&target=order:${order.id}`);
    expect(story.map((e) => e.action)).toEqual(['order.refund']);
  });

  it('leaves out what customers and the system do, and is for admins only', async () => {
    const customer = await kit.register();
    const variant = await kit.stockedVariant(5);
    const cartId = await kit.cartWith(
      [{ variantId: variant.variantId, quantity: 1 }],
      customer.headers,
    );
    const order = (await kit.placeOrder(cartId, {}, customer.headers)).json() as PlacedOrder;
    expect(
      (await kit.post(`/orders/${order.id}/cancel`, undefined, customer.headers)).statusCode,
    ).toBe(200);
    expect(await audit(`&target=order:${order.id}`)).toEqual([]);
    expect((await kit.get('/admin/audit', customer.headers)).statusCode).toBe(403);
    expect((await kit.get('/admin/audit')).statusCode).toBe(401);
  });
});
