import { z } from 'zod';
import type { Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { fromMinor, toMinor } from './ui';

export type Discount = Schemas['Discount'];
export type DiscountKind = Discount['kind'];
export type NewDiscountBody =
  paths['/api/v1/admin/discounts']['post']['requestBody']['content']['application/json'];
export type DiscountChange =
  paths['/api/v1/admin/discounts/{id}']['patch']['requestBody']['content']['application/json'];

/** Every kind the API has, by its name in the form: a kind added there fails the build here. */
export const kindLabels: Record<DiscountKind, string> = {
  percent: 'Percent off',
  fixed: 'Amount off',
};
const kinds = Object.keys(kindLabels) as [DiscountKind, ...DiscountKind[]];

export const valueLabel = (kind: DiscountKind) => (kind === 'percent' ? 'Percent' : 'Amount ($)');

/** What a discount gives and its limits, as typed: the fields both the new and the edit form have. */
const termsShape = {
  value: z.string().trim(),
  minSubtotal: z
    .string()
    .trim()
    .refine((text) => !text || toMinor(text) !== null, 'An amount like 50.00, or empty.'),
  usageLimit: z
    .string()
    .trim()
    .refine((text) => !text || /^[1-9]\d*$/.test(text), 'A whole number, or empty for none.'),
  endsAt: z.string(),
};
export type TermsValues = { [K in keyof typeof termsShape]: string };

/** What the discount takes off, in its kind's unit (a percentage, or cents); null when unreadable. */
function valueOf(kind: DiscountKind, text: string): number | null {
  if (kind === 'fixed') {
    const cents = toMinor(text);
    return cents !== null && cents > 0 ? cents : null;
  }
  return /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 100 ? Number(text) : null;
}

const checkValue =
  (kindOf: (values: { kind?: DiscountKind }) => DiscountKind) =>
  (values: { value: string; kind?: DiscountKind }, context: z.RefinementCtx) => {
    const kind = kindOf(values);
    if (valueOf(kind, values.value) === null) {
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: kind === 'percent' ? 'A whole percentage from 1 to 100.' : 'An amount like 10.00.',
      });
    }
  };

export const newDiscountSchema = z
  .object({
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9_-]{3,32}$/, '3 to 32 letters, digits, - or _.'),
    kind: z.enum(kinds),
    ...termsShape,
  })
  .superRefine(checkValue((values) => values.kind ?? 'percent'));

/** The edit form's schema: the code and kind stay as they are (orders name them). */
export const discountTermsSchema = (kind: DiscountKind) =>
  z.object(termsShape).superRefine(checkValue(() => kind));

export type NewDiscountValues = z.input<typeof newDiscountSchema>;

export const emptyNewDiscount: NewDiscountValues = {
  code: '',
  kind: 'percent',
  value: '',
  minSubtotal: '',
  usageLimit: '',
  endsAt: '',
};

/** A discount's terms as the edit form shows them. */
export const termsOf = (discount: Discount): TermsValues => ({
  value: discount.kind === 'percent' ? String(discount.value) : fromMinor(discount.value),
  minSubtotal: discount.minSubtotal.amount ? fromMinor(discount.minSubtotal.amount) : '',
  usageLimit: discount.usageLimit ? String(discount.usageLimit) : '',
  endsAt: discount.endsAt ? discount.endsAt.slice(0, 10) : '',
});

/** Checked terms as the API takes them; a date ends at the close of that day (UTC). */
export function termsBody(kind: DiscountKind, terms: TermsValues) {
  return {
    value: valueOf(kind, terms.value) ?? 0,
    minSubtotal: terms.minSubtotal ? (toMinor(terms.minSubtotal) ?? 0) : 0,
    usageLimit: terms.usageLimit ? Number(terms.usageLimit) : null,
    endsAt: terms.endsAt ? new Date(`${terms.endsAt}T23:59:59Z`).toISOString() : null,
  };
}

export function newDiscountBody(values: NewDiscountValues): NewDiscountBody {
  const { usageLimit, endsAt, ...terms } = termsBody(values.kind, values);
  return {
    code: values.code.trim().toUpperCase(),
    kind: values.kind,
    ...terms,
    ...(usageLimit ? { usageLimit } : {}),
    ...(endsAt ? { endsAt } : {}),
  };
}
