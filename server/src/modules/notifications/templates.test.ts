import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../platform/errors.js';
import {
  escapeHtml,
  formatDateTime,
  formatMoney,
  html,
  raw,
  withoutSecrets,
  type Brand,
} from './html.js';
import {
  renderEmail,
  templateNames,
  testOrderLine,
  type TemplateData,
  type TemplateName,
} from './templates.js';

const brand: Brand = { storeName: 'Stride', publicUrl: 'https://shop.example.com' };
/** Tokens with characters a URL and HTML must escape. */
const withSecrets: Brand = {
  ...brand,
  orderAccessToken: (id) => `tok&${id.slice(0, 4)}`,
  passwordResetToken: (id) => `reset&"${id.slice(0, 8)}`,
};
const orderId = '0190a2b4-0000-7000-8000-000000000001';
const usd = (amount: number) => ({ amount, currency: 'USD' });
/** What a customer could type into any text field. */
const hostile = `<img src=x onerror="alert('x')"> & co`;

const samples: { [Name in TemplateName]: TemplateData<Name> } = {
  welcome: { email: 'ada@example.com', firstName: hostile },
  password_reset: {
    firstName: hostile,
    resetId: 'reset-id-0123456789abcdef',
    expiresAt: '2026-11-20T14:35:00Z',
    expiresInMinutes: 30,
  },
  order_received: {
    orderId,
    number: 'SR-ABCD2345',
    items: [
      { name: hostile, details: 'M / Black', quantity: 2, lineTotal: usd(9800) },
      { name: 'Trail Sock', quantity: 1, lineTotal: usd(1200) },
    ],
    total: usd(123456),
    paymentDueAt: '2026-11-20T14:05:00.000Z',
  },
  order_shipped: { orderId, number: 'SR-ABCD2345', carrier: hostile, trackingNumber: '1Z999' },
  order_cancelled: { orderId, number: 'SR-ABCD2345', reason: 'expired', refundDue: false },
  payment_receipt: {
    orderId,
    number: 'SR-ABCD2345',
    amount: usd(11000),
    paidAt: '2026-11-20T14:05:00Z',
    paymentMethod: hostile,
  },
  payment_failed: {
    orderId,
    number: 'SR-ABCD2345',
    amount: usd(11000),
    reason: hostile,
    payBy: '2026-11-20T14:35:00Z',
  },
  order_refunded: { orderId, number: 'SR-ABCD2345', amount: usd(5000), full: false },
  payment_disputed: {
    order: { id: orderId, number: 'SR-ABCD2345' },
    amount: usd(5000),
    reason: hostile,
    status: 'open',
  },
  refund_failed: {
    order: { id: orderId, number: 'SR-ABCD2345' },
    amount: usd(5000),
    reason: 'admin',
    failureReason: hostile,
  },
  low_stock: {
    items: [
      { sku: 'TRAIL-SOCK-M', name: hostile, details: 'M / Black', available: 2 },
      { sku: 'RUN-TEE-S', name: 'Run Tee', available: 0 },
    ],
    threshold: 5,
  },
};

describe('email templates', () => {
  it.each(templateNames)('%s renders a subject, HTML and text, escaping every value', (name) => {
    const email = renderEmail(brand, name, samples[name]);
    expect(email.subject.length).toBeGreaterThan(5);
    expect(email.html).toMatch(/^<!doctype html>/);
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain(`"alert`);
    expect(email.text).toContain('Stride · https://shop.example.com');
    if (JSON.stringify(samples[name]).includes('onerror')) {
      expect(email.html).toContain(
        '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co',
      );
      expect(email.text).toContain(hostile);
    }
    if ('orderId' in samples[name]) {
      expect(email.text).toContain(`https://shop.example.com/orders/${orderId}`);
      expect(email.html).toContain(`href="https://shop.example.com/orders/${orderId}"`);
    }
  });

  it('links every order email to the order with its access token, escaped for HTML', () => {
    for (const name of templateNames.filter((n) => 'orderId' in samples[n])) {
      const email = renderEmail(withSecrets, name, samples[name]);
      const link = `https://shop.example.com/orders/${orderId}?token=tok%26${orderId.slice(0, 4)}`;
      expect(email.text, name).toContain(link);
      expect(email.html, name).toContain(`href="${link}"`);
    }
  });

  it('says, first in every email about an order placed in a test store, that no money was taken', () => {
    const orderEmails = templateNames.filter((n) => 'orderId' in samples[n]);
    expect(orderEmails).toHaveLength(6);
    for (const name of orderEmails) {
      const test = renderEmail(brand, name, { ...samples[name], testMode: true });
      expect(testOrderLine).toBe('Test order: no money was taken.');
      expect(test.text, name).toContain(testOrderLine);
      expect(test.html, name).toContain(testOrderLine);
      // The first thing under the title.
      expect(test.text.split('\n')[2], name).toBe(testOrderLine);
      expect(renderEmail(brand, name, samples[name]).text, name).not.toContain(testOrderLine);
    }
  });

  it('lists an order’s lines and total in the store’s currency format', () => {
    const { subject, text } = renderEmail(brand, 'order_received', samples.order_received);
    expect(subject).toBe('Order SR-ABCD2345 received');
    expect(text).toContain(`${hostile} (M / Black) × 2  $98.00`);
    expect(text).toContain('Trail Sock × 1  $12.00');
    expect(text).toContain('Total, shipping and tax included  $1,234.56');
    expect(text).toContain('by 20 Nov 2026, 14:05 UTC');
  });

  it('builds the reset link into the store from the reset id, encoded and escaped', () => {
    const email = renderEmail(withSecrets, 'password_reset', samples.password_reset);
    const link = 'https://shop.example.com/reset-password?token=reset%26%22reset-id';
    expect(email.html).toContain(`href="${link}"`);
    expect(email.text).toContain(`Choose a new password: ${link}`);
    expect(email.text).toContain('expires in 30 minutes');
  });

  it.each(templateNames)('%s keeps no secret in the store’s own copy', (name) => {
    const kept = renderEmail(withoutSecrets(withSecrets), name, samples[name]);
    for (const body of [kept.html, kept.text]) {
      expect(body).not.toMatch(/tok&|tok%26|reset&|reset%26|token=/);
    }
    expect(kept.subject).toBe(renderEmail(withSecrets, name, samples[name]).subject);
  });

  it('says in the kept copy of a reset email that a link went out, and until when it works', () => {
    const kept = renderEmail(brand, 'password_reset', samples.password_reset);
    expect(kept.text).toContain(
      'Choose a new password: a one-time link valid until 20 Nov 2026, 14:35 UTC, sent to the customer only and not kept in this copy.',
    );
    expect(kept.html).toContain('<strong>Choose a new password:</strong> a one-time link');
    expect(kept.html).not.toContain('reset-password');
  });

  it('says why an order was cancelled and whether money comes back', () => {
    const text = (
      reason: 'customer' | 'admin' | 'expired' | 'payment_cancelled',
      refundDue: boolean,
    ) =>
      renderEmail(brand, 'order_cancelled', { ...samples.order_cancelled, reason, refundDue }).text;
    expect(text('expired', false)).toContain('did not receive payment');
    expect(text('expired', false)).toContain('You have not been charged');
    expect(text('customer', false)).toContain('As you asked');
    expect(text('admin', true)).toContain('a full refund is on its way');
    expect(text('payment_cancelled', false)).toContain(
      'payment for order SR-ABCD2345 was cancelled',
    );
  });

  it('tells a full refund from a partial one', () => {
    const partial = renderEmail(brand, 'order_refunded', samples.order_refunded);
    expect(partial.subject).toBe('Part of order SR-ABCD2345 refunded');
    expect(partial.text).toContain('We have refunded $50.00');
    const full = renderEmail(brand, 'order_refunded', { ...samples.order_refunded, full: true });
    expect(full.subject).toBe('Order SR-ABCD2345 refunded');
  });

  it('refuses an unknown template and data that does not fit, naming the fields', () => {
    expect(() => renderEmail(brand, 'newsletter', {})).toThrow(ValidationFailed);
    expect(() => renderEmail(brand, 'toString', {})).toThrow(ValidationFailed);
    try {
      renderEmail(brand, 'order_shipped', { orderId: 'nope', number: 'SR-1' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).errors.map((e) => e.path)).toEqual(
        expect.arrayContaining(['data.orderId', 'data.carrier', 'data.trackingNumber']),
      );
    }
    expect(() =>
      renderEmail(brand, 'order_received', {
        ...samples.order_received,
        total: { amount: 10.5, currency: 'usd' },
      }),
    ).toThrow(ValidationFailed);
  });
});

describe('email building blocks', () => {
  it('formats minor units with the currency’s own number of decimals', () => {
    expect(formatMoney({ amount: 123456, currency: 'USD' })).toBe('$1,234.56');
    expect(formatMoney({ amount: 1500, currency: 'JPY' })).toBe('¥1,500');
    expect(formatMoney({ amount: 999, currency: 'EUR' })).toBe('€9.99');
    expect(formatMoney({ amount: 1234, currency: 'KWD' })).toMatch(/^KWD\s1\.234$/);
    expect(formatDateTime('2026-11-20T14:05:00Z')).toBe('20 Nov 2026, 14:05 UTC');
  });

  it('escapes interpolations unless they are markup from this codebase', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${raw('<br>')}${['<', '>']}${null}${false}${0}</p>`.value).toBe(
      '<p><b>&lt;i&gt;</b><br>&lt;&gt;0</p>',
    );
  });
});
