import { z } from 'zod';
import { moneyData } from '../../platform/money.js';
import {
  button,
  html,
  layout,
  paragraph,
  rows,
  storeLink,
  textLayout,
  type Brand,
} from './html.js';

/** What every template is made of: the field schemas they share and one way to lay out an email. */

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export const money = moneyData.extend({
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
});
export const name = z.string().trim().min(1).max(200);
export const orderRef = {
  orderId: z.uuid(),
  number: name,
  /** Placed in a test store: the email says no money was taken. */
  testMode: z.boolean().optional(),
};

/** A renderer per template of a set of schemas, each given the data its schema parsed. */
export type RenderersOf<Schemas extends Record<string, z.ZodType>> = {
  [Name in keyof Schemas]: (data: z.output<Schemas[Name]>, brand: Brand) => RenderedEmail;
};

/**
 * A button, or, in the copy the store keeps of an email whose link is a secret, a note in its place
 * (`withheld`) saying what the link was for.
 */
type Action = { label: string; url: string } | { label: string; withheld: string };

/** One email from its parts; the HTML and text bodies say the same thing. */
export function email(
  brand: Brand,
  parts: {
    subject: string;
    title: string;
    paragraphs: string[];
    table?: [string, string][];
    action?: Action;
    after?: string[];
    /** An order placed in a test store: said first, in every such email. */
    testMode?: boolean | undefined;
  },
): RenderedEmail {
  const { subject, title, table, action, after = [] } = parts;
  const paragraphs = parts.testMode ? [testOrderLine, ...parts.paragraphs] : parts.paragraphs;
  const body = html`${paragraphs.map(paragraph)}${table ? rows(table) : ''}${
    !action
      ? ''
      : 'url' in action
        ? button(action.url, action.label)
        : paragraph(html`<strong>${action.label}:</strong> ${action.withheld}`)
  }${after.map(paragraph)}`;
  const text = textLayout(brand, title, [
    ...paragraphs,
    ...(table ? [table.map(([label, value]) => `${label}  ${value}`).join('\n')] : []),
    ...(action ? [`${action.label}: ${'url' in action ? action.url : action.withheld}`] : []),
    ...after,
  ]);
  return { subject, html: layout(brand, title, paragraphs[0] ?? title, body), text };
}

/** The line every email about an order placed in a test store opens with. */
export const testOrderLine = 'Test order: no money was taken.';

export const greeting = (firstName: string | undefined) =>
  firstName ? `Hi ${firstName},` : 'Hello,';
export const orderLink = (brand: Brand, orderId: string) => {
  const link = storeLink(brand, 'orders', orderId);
  const token = brand.orderAccessToken?.(orderId);
  return token ? `${link}?token=${encodeURIComponent(token)}` : link;
};
