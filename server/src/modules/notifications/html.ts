/**
 * The building blocks of every email: the escaping `html` tag and money (from `platform/html.ts` and `platform/money.ts`),
 * dates, links into the store, and the shared layout. Email clients ignore `<style>` blocks unevenly,
 * so the layout uses inline styles and one table.
 */

export { SafeHtml, escapeHtml, html, raw } from '../../platform/html.js';
export { formatMoney, type Money } from '../../platform/money.js';
import { html, type SafeHtml } from '../../platform/html.js';

// Made on the first email rather than at load: the first Intl formatter maps megabytes of ICU data.
let dateFormat: Intl.DateTimeFormat | undefined;

/** Emails are read anywhere, so times are given in UTC and say so. */
export function formatDateTime(iso: string): string {
  dateFormat ??= new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  return `${dateFormat.format(new Date(iso))} UTC`;
}

export interface Brand {
  storeName: string;
  /** Where shoppers reach the store (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /**
   * The token that opens an order without signing in (the one a guest got at checkout), so every
   * order email's link works for guests too. Absent: links to orders carry no token.
   */
  orderAccessToken?: (orderId: string) => string;
  /** The token of a password reset link from its id. Absent: the link is withheld (see below). */
  passwordResetToken?: (resetId: string) => string;
}

/**
 * The brand the store's own copy of an email is rendered with: order links without their guest
 * token (they still open the order for its signed-in owner) and no password reset link at all, so
 * whoever reads the email log cannot act as the customer.
 */
export const withoutSecrets = ({ storeName, publicUrl }: Brand): Brand => ({
  storeName,
  publicUrl,
});

/** A link into the store; every path segment is encoded, so an id cannot change the path. */
export const storeLink = (brand: Brand, ...segments: string[]) =>
  `${brand.publicUrl}/${segments.map(encodeURIComponent).join('/')}`;

export const paragraph = (content: SafeHtml | string) =>
  html`<p style="margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2933">${content}</p>`;

export const button = (href: string, label: string) =>
  html`<p style="margin:24px 0">
    <a
      href="${href}"
      style="display:inline-block;padding:12px 20px;border-radius:6px;background:#111827;color:#ffffff;font-weight:600;text-decoration:none"
      >${label}</a
    >
  </p>`;

/** A two-column table of label and value rows (order lines, totals). */
export const rows = (entries: [label: string | SafeHtml, value: string][]) =>
  html`<table
    role="presentation"
    width="100%"
    cellpadding="0"
    cellspacing="0"
    style="margin:0 0 16px;border-collapse:collapse"
  >
    ${entries.map(
      ([label, value]) =>
        html`<tr>
          <td style="padding:6px 0;border-bottom:1px solid #e5e7eb;font-size:15px;color:#1f2933">
            ${label}
          </td>
          <td
            align="right"
            style="padding:6px 0;border-bottom:1px solid #e5e7eb;font-size:15px;color:#1f2933;white-space:nowrap"
          >
            ${value}
          </td>
        </tr>`,
    )}
  </table>`;

/** The page every email shares: a preheader (the inbox preview line), the store name, the body. */
export function layout(brand: Brand, title: string, preheader: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
      </head>
      <body style="margin:0;padding:0;background:#f3f4f6">
        <div style="display:none;max-height:0;overflow:hidden">${preheader}</div>
        <table
          role="presentation"
          width="100%"
          cellpadding="0"
          cellspacing="0"
          style="background:#f3f4f6"
        >
          <tr>
            <td align="center" style="padding:24px 12px">
              <table
                role="presentation"
                width="100%"
                cellpadding="0"
                cellspacing="0"
                style="max-width:560px;background:#ffffff;border-radius:8px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif"
              >
                <tr>
                  <td style="padding:24px 32px 0;font-size:20px;font-weight:700;color:#111827">
                    <a href="${brand.publicUrl}" style="color:#111827;text-decoration:none"
                      >${brand.storeName}</a
                    >
                  </td>
                </tr>
                <tr>
                  <td style="padding:16px 32px 8px">
                    <h1 style="margin:0 0 16px;font-size:22px;line-height:30px;color:#111827">
                      ${title}
                    </h1>
                    ${body}
                  </td>
                </tr>
                <tr>
                  <td style="padding:0 32px 24px;font-size:13px;line-height:20px;color:#6b7280">
                    You are receiving this email because of your account or an order at
                    ${brand.storeName}.
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>`.value;
}

/** The plain-text part: paragraphs separated by blank lines, and the same footer. */
export const textLayout = (brand: Brand, title: string, paragraphs: string[]) =>
  [
    title,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    '--',
    `${brand.storeName} · ${brand.publicUrl}`,
    '',
  ].join('\n');
