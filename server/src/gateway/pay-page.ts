import { html, type SafeHtml } from '../platform/html.js';
import { formatMoney } from '../platform/money.js';
import { testCards, type CardProblem } from './cards.js';
import type { Intent } from './ledger.js';

/**
 * The gateway's hosted card page: the shopper types a card here, never into the store. Plain HTML
 * and a form (no script), so it works in any browser and is easy to drive from a browser test.
 */
export const payPageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The page's headers for an intent: its form posts here, and a paid card is then redirected to the
 * store (the intent's return URL), which `form-action` must allow as well (browsers check a form's
 * redirects against it) when the store is not this origin.
 */
export function payPageHeadersFor(intent: Pick<Intent, 'returnUrl'>): Record<string, string> {
  const store = originOf(intent.returnUrl);
  if (!store) return payPageHeaders;
  return {
    ...payPageHeaders,
    'content-security-policy': payPageHeaders['content-security-policy'].replace(
      "form-action 'self'",
      `form-action 'self' ${store}`,
    ),
  };
}

/** An http(s) URL's origin, safe to name in a CSP source list; null for anything else. */
function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const { protocol, origin } = new URL(url);
    return (protocol === 'http:' || protocol === 'https:') && /^[\w.:/[\]-]+$/.test(origin)
      ? origin
      : null;
  } catch {
    return null;
  }
}

const style = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f5f5f5; color: #111; }
  main { max-width: 28rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 12px; }
  h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
  .amount { font-size: 2rem; font-weight: 700; margin: .5rem 0 1rem; }
  label { display: block; font-weight: 600; margin-top: .75rem; }
  input { font: inherit; width: 100%; box-sizing: border-box; padding: .6rem; border: 1px solid #767676; border-radius: 6px; }
  input:focus { outline: 3px solid #1a5fff; outline-offset: 1px; }
  .row { display: flex; gap: .75rem; } .row > div { flex: 1; }
  button { font: inherit; font-weight: 700; width: 100%; margin-top: 1.25rem; padding: .8rem; border: 0; border-radius: 999px; background: #111; color: #fff; cursor: pointer; }
  button:focus { outline: 3px solid #1a5fff; outline-offset: 2px; }
  .error { color: #b00020; margin: .25rem 0 0; }
  .notice { padding: .75rem; border-radius: 6px; background: #fdecea; color: #611a15; }
  .done { padding: .75rem; border-radius: 6px; background: #e6f4ea; color: #0d3b1e; }
  table { width: 100%; border-collapse: collapse; font-size: .875rem; margin-top: 1.5rem; }
  th, td { text-align: left; padding: .25rem; border-bottom: 1px solid #ddd; }
  code { font-size: .875rem; }
`;

function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${style}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`.toString();
}

export interface PayForm {
  cardNumber?: string;
  expMonth?: string;
  expYear?: string;
  cvc?: string;
}

export function payPage(
  intent: Intent,
  state: { form?: PayForm; problem?: CardProblem | null; declined?: string | null } = {},
): string {
  const form = state.form ?? {};
  const fieldError = (field: CardProblem['field']) =>
    state.problem?.field === field
      ? html`<p class="error" id="${field}-error" role="alert">${state.problem.message}</p>`
      : '';
  const described = (field: CardProblem['field']) =>
    state.problem?.field === field ? `${field}-error` : '';
  // The security code is never sent back into the page.
  const field = (name: CardProblem['field'], label: string, autocomplete: string) =>
    html`<label for="${name}">${label}</label>
      <input
        id="${name}"
        name="${name}"
        inputmode="numeric"
        autocomplete="${autocomplete}"
        value="${name === 'cvc' ? '' : (form[name] ?? '')}"
        aria-describedby="${described(name)}"
        required
      />
      ${fieldError(name)}`;
  const amount = formatMoney({ amount: intent.amount, currency: intent.currency });
  if (intent.status !== 'requires_payment_method') {
    return page(
      'Payment',
      html`<h1>Test payment</h1>
        <p class="${intent.status === 'succeeded' ? 'done' : 'notice'}" role="status">
          ${intent.status === 'succeeded' ? `This payment of ${amount} has been made.` : 'This payment was cancelled.'}
        </p>
        ${intent.returnUrl ? html`<p><a href="${intent.returnUrl}">Back to the store</a></p>` : ''}`,
    );
  }
  return page(
    `Pay ${amount}`,
    html`<h1>Test payment</h1>
      <p>Local test gateway: no real card is charged.</p>
      <p class="amount">${amount}</p>
      ${state.declined ? html`<p class="notice" role="alert">${state.declined} Try another card.</p>` : ''}
      <form method="post" novalidate>
        ${field('cardNumber', 'Card number', 'cc-number')}
        <div class="row">
          <div>${field('expMonth', 'Month (MM)', 'cc-exp-month')}</div>
          <div>${field('expYear', 'Year (YYYY)', 'cc-exp-year')}</div>
          <div>${field('cvc', 'CVC', 'cc-csc')}</div>
        </div>
        <button type="submit">Pay ${amount}</button>
      </form>
      <table>
        <caption>
          Test cards (any future expiry, any CVC)
        </caption>
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          ${Object.entries(testCards).map(
            ([number, card]) =>
              html`<tr>
                <td><code>${number.replace(/(\d{4})(?=\d)/g, '$1 ')}</code></td>
                <td>${card.description}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}
