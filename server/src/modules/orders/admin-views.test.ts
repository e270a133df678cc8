import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/harness.js';
import { address, checkoutKit, type PlacedOrder } from '../../../test/kits/checkout.js';

interface Stats {
  currency: string;
  totals: {
    orders: number;
    revenue: number;
    refunded: number;
    units: number;
    averageOrderValue: number;
  };
  days: { day: string; orders: number }[];
  topProducts: { slug: string; units: number }[];
  lowStock: { variantId: string; available: number }[];
}

/** The store team's views across accounts and orders: a customer, and the store's figures. */
describeEachBackend('admin customer and stats views (%s)', (backend) => {
  const kit = checkoutKit(backend);
  const utcDay = (offset = 0) =>
    new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  // Days are UTC: a range around today, so a run that crosses midnight counts its orders all the same.
  const range = [utcDay(-1), utcDay(), utcDay(1)];
  const stats = async () => {
    const response = await kit.get(`/admin/stats?from=${range[0]}&to=${range[2]}`, kit.admin());
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Stats;
  };

  async function paidOrderFor(headers: Record<string, string>, quantity: number) {
    const variant = await kit.stockedVariant(10);
    const cartId = await kit.cartWith([{ variantId: variant.variantId, quantity }], headers);
    const placed = await kit.placeOrder(cartId, {}, headers);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json() as PlacedOrder;
    await kit.markPaid(order.id);
    return { order, variant };
  }

  it('shows one customer with their address book and orders, to admins only', async () => {
    const customer = await kit.register();
    const saved = await kit.post('/me/addresses', address, customer.headers);
    expect(saved.statusCode, saved.body).toBe(201);
    const { order } = await paidOrderFor(customer.headers, 1);

    const view = await kit.get(`/admin/customers/${customer.userId}`, kit.admin());
    expect(view.statusCode, view.body).toBe(200);
    const body = view.json() as {
      email: string;
      addresses: { line1: string }[];
      orders: { items: { id: string; status: string }[] };
    };
    expect(body.email).toBe(customer.email);
    expect(body.addresses.map((a) => a.line1)).toEqual([address.line1]);
    expect(body.orders.items).toEqual([expect.objectContaining({ id: order.id, status: 'paid' })]);
    expect(body).not.toHaveProperty('passwordHash');

    expect(
      (await kit.get(`/admin/customers/${customer.userId}`, customer.headers)).statusCode,
    ).toBe(403);
    const missing = await kit.get(
      '/admin/customers/0190a0a0-0000-7000-8000-000000000000',
      kit.admin(),
    );
    expect(missing.statusCode).toBe(404);
  });

  it('counts revenue, orders, units and refunds per day, and lists low stock', async () => {
    const before = await stats();
    const customer = await kit.register();
    const first = await paidOrderFor(customer.headers, 2);
    const second = await paidOrderFor(customer.headers, 3);
    // An unpaid order is not revenue.
    const unpaidVariant = await kit.stockedVariant(5);
    await kit.placeOrder(await kit.cartWith([{ variantId: unpaidVariant.variantId, quantity: 1 }]));
    const refund = await kit.post(
      `/admin/orders/${first.order.id}/refund`,
      { amount: 500 },
      kit.admin(),
    );
    expect(refund.statusCode, refund.body).toBe(200);

    const after = await stats();
    const revenue = first.order.total.amount + second.order.total.amount;
    expect(after.totals.orders - before.totals.orders).toBe(2);
    expect(after.totals.revenue - before.totals.revenue).toBe(revenue);
    expect(after.totals.units - before.totals.units).toBe(5);
    expect(after.totals.refunded - before.totals.refunded).toBe(500);
    expect(after.totals.averageOrderValue).toBe(
      Math.round(after.totals.revenue / after.totals.orders),
    );
    expect(after.days.map((d) => d.day)).toEqual(range);
    expect(after.days.reduce((n, d) => n + d.orders, 0)).toBe(after.totals.orders);
    expect(after.currency).toBe('USD');
    expect(after.topProducts.length).toBeGreaterThan(0);

    // Sold out just now: the lowest stock, and the latest change among equals, comes first.
    const low = await kit.stockedVariant(0);
    const withLow = await stats();
    expect(withLow.lowStock[0]).toMatchObject({ variantId: low.variantId, available: 0 });
    const available = withLow.lowStock.map((v) => v.available);
    expect(available).toEqual([...available].sort((a, b) => a - b));
  });

  it('fills every day of a range and refuses a range that is reversed or too long', async () => {
    const week = await kit.get('/admin/stats?from=2026-01-01&to=2026-01-07', kit.admin());
    expect((week.json() as Stats).days.map((d) => d.day)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
    ]);
    const asked = utcDay();
    const thirty = (await kit.get('/admin/stats', kit.admin())).json() as Stats;
    expect(thirty.days).toHaveLength(30);
    expect([asked, utcDay()]).toContain(thirty.days.at(-1)?.day);
    for (const query of [
      'from=2026-02-01&to=2026-01-01',
      'from=2024-01-01&to=2026-01-01',
      'from=yesterday',
    ]) {
      expect((await kit.get(`/admin/stats?${query}`, kit.admin())).statusCode, query).toBe(400);
    }
  });
});
