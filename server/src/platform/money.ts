import { z } from 'zod';

/**
 * Money, everywhere in the store: an integer amount in the minor unit of its currency (cents of USD,
 * yen of JPY, fils of KWD), never a float. The API's `Money` component is this schema.
 */
export const moneySchema = z
  .object({
    amount: z.number().int().describe('Integer amount in minor units (cents)'),
    currency: z.string().length(3),
  })
  .meta({ id: 'Money' });

export type Money = z.infer<typeof moneySchema>;

export const money = (amount: number, currency: string): Money => ({ amount, currency });

/**
 * Money in an event's data: the amount checked, the currency as the payment provider wrote it
 * (events already written are read back with this, so it stays as lenient as when they were written).
 */
export const moneyData = z.object({ amount: z.number().int(), currency: z.string() });

// Made on first use rather than at load: the first Intl formatter maps megabytes of ICU data.
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** Digits after the decimal point in a currency's minor unit (USD 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  return formatterFor(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** As people read it: "$1,234.56", "¥1,500". */
export function formatMoney({ amount, currency }: Money): string {
  return formatterFor(currency).format(amount / 10 ** currencyDigits(currency));
}

/** 4999 → "49.99" (2 digits), exactly, by splitting the integer: a non-negative amount's decimals. */
export function decimalText(amount: number, digits: number): string {
  const unit = 10 ** digits;
  const whole = Math.floor(amount / unit);
  if (digits === 0) return String(whole);
  return `${whole}.${String(amount % unit).padStart(digits, '0')}`;
}

/** The amount in major units as a plain decimal, for machines (schema.org, Open Graph): "49.00". */
export function decimalAmount({ amount, currency }: Money): string {
  return decimalText(amount, currencyDigits(currency));
}
