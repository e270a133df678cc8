import { sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.js';
import { queryRows, type Db } from '../../platform/db/index.js';
import { Unprocessable } from '../../platform/errors.js';
import { createDiscounts, InvalidDiscount, ruleOf, type DiscountRefusal } from './discounts.js';
import { computeTotals, type Totals } from './rules.js';
import { regionRequired } from './regions.js';
import type { ShippingMethod, ShippingRates } from './shipping.js';

export interface QuoteInput {
  currency: string;
  lines: { unitPrice: number; quantity: number }[];
  discountCode?: string | null | undefined;
  /** Unset: the cheapest method, as an estimate (a cart has no address yet). */
  shippingMethodId?: string | undefined;
  country?: string | undefined;
  region?: string | null | undefined;
  email?: string | undefined;
  userId?: string | null | undefined;
  /**
   * Strict (placing an order): a code or shipping method that does not apply is an error. Lenient (a
   * cart): the code is kept but takes nothing off, and the quote says why.
   */
  strict: boolean;
}

/** Shipping methods already fetched for one request (discounted subtotal, currency, country). */
export interface KnownMethods {
  basis: number;
  currency: string;
  country: string | undefined;
  methods: ShippingMethod[];
}

export interface Quote extends Totals {
  currency: string;
  discountCode: string | null;
  discountRefusal: DiscountRefusal | null;
  shippingMethod: ShippingMethod | null;
  /** Every method offered, and the subtotal after discount they were offered for. */
  shippingMethods: KnownMethods;
  taxRateBasisPoints: number;
}

export interface PricingDeps {
  db: Db;
  shippingRates: ShippingRates;
  /** ISO 3166-1 alpha-2 codes, upper case, in the storefront's order (SHIPPING_COUNTRIES). */
  shippingCountries: readonly string[];
  now?: () => Date;
}

/** Prices, discount codes, shipping and tax: every total a shopper sees is computed here. */
export function createPricingService(deps: PricingDeps) {
  const { db } = deps;
  const discounts = createDiscounts({ db, now: deps.now ?? (() => new Date()) });

  async function taxRate(ctx: Context, country?: string, region?: string | null): Promise<number> {
    if (!country) return 0;
    const rows = await queryRows<{ rate_bp: number; region: string }>(
      ctx.tx ?? db,
      sql`SELECT rate_bp, region FROM tax_rates
          WHERE country = ${country.toUpperCase()} AND region IN ('', ${(region ?? '').toUpperCase()})`,
    );
    // The region's own rate when there is one, the country's otherwise.
    const regional = rows.find((row) => row.region !== '');
    return (regional ?? rows[0])?.rate_bp ?? 0;
  }

  const shipsTo = (country: string) => deps.shippingCountries.includes(country.toUpperCase());

  /** Cheapest first; none at all to a country the store does not ship to. */
  async function shippingMethods(
    _ctx: Context,
    request: { subtotal: number; currency: string; country?: string | undefined },
  ): Promise<ShippingMethod[]> {
    if (request.country && !shipsTo(request.country)) return [];
    const methods = await deps.shippingRates.methods(request);
    return [...methods].sort((a, b) => a.price - b.price);
  }

  return {
    discounts,
    taxRate,
    shippingMethods,

    /** The countries the store ships to, and whether an address there must name its region. */
    shippingCountries: () =>
      deps.shippingCountries.map((code) => ({ code, regionRequired: regionRequired(code) })),
    /** Whether shipping rates come over the network (see `ShippingRates.remote`). */
    shippingRatesAreRemote: deps.shippingRates.remote === true,

    /**
     * What an order would cost. With `known` methods for the same discounted subtotal, the
     * shipping-rates port is not asked again: checkout asks it before its transaction opens, so no
     * connection is held while a carrier answers.
     */
    async quote(ctx: Context, input: QuoteInput, known?: KnownMethods): Promise<Quote> {
      // A country with no tax rate would be taxed at 0: an order goes only where the store ships.
      if (input.strict && input.country && !shipsTo(input.country)) {
        throw new Unprocessable('country_not_shipped', `We do not ship to ${input.country}.`, {
          country: input.country,
          shippingCountries: [...deps.shippingCountries],
        });
      }
      const subtotal = input.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
      let rule = null;
      let refusal: DiscountRefusal | null = null;
      if (input.discountCode) {
        try {
          const row = await discounts.check(ctx, input.discountCode, {
            subtotal,
            currency: input.currency,
            email: input.email,
            userId: input.userId,
          });
          rule = ruleOf(row);
        } catch (error) {
          if (input.strict || !(error instanceof InvalidDiscount)) throw error;
          refusal = error.reason;
        }
      }
      const afterDiscount = computeTotals({
        lines: input.lines,
        discount: rule,
        shipping: 0,
        taxRateBasisPoints: 0,
      });
      const basis = afterDiscount.subtotal - afterDiscount.discount;
      const methods =
        known &&
        known.basis === basis &&
        known.currency === input.currency &&
        known.country === input.country
          ? known.methods
          : await shippingMethods(ctx, {
              subtotal: basis,
              currency: input.currency,
              country: input.country,
            });
      const method = input.shippingMethodId
        ? methods.find((m) => m.id === input.shippingMethodId)
        : methods[0];
      if (!method && input.strict) {
        throw new Unprocessable(
          'invalid_shipping_method',
          `Shipping method ${input.shippingMethodId ?? ''} is not available for this address.`,
          { available: methods.map((m) => m.id) },
        );
      }
      const rate = await taxRate(ctx, input.country, input.region);
      const totals = computeTotals({
        lines: input.lines,
        discount: rule,
        shipping: method?.price ?? 0,
        taxRateBasisPoints: rate,
      });
      return {
        ...totals,
        currency: input.currency,
        discountCode: input.discountCode ?? null,
        discountRefusal: refusal,
        shippingMethod: method ?? null,
        shippingMethods: { basis, currency: input.currency, country: input.country, methods },
        taxRateBasisPoints: rate,
      };
    },
  };
}

export type PricingService = ReturnType<typeof createPricingService>;
