/**
 * The shipping-rates port: which methods can carry an order, at what price. The default adapter is a
 * rate table; a carrier's live rates (by weight and distance) plug in behind the same interface.
 */
export interface ShippingMethod {
  id: string;
  name: string;
  /** Minor units, in `currency`. */
  price: number;
  currency: string;
  /** Business days to deliver, at most. */
  estimatedDays: number;
}

export interface ShippingRequest {
  /** The subtotal after discounts: free-shipping thresholds apply to what the shopper pays. */
  subtotal: number;
  currency: string;
  /** ISO 3166-1 alpha-2; unknown before the shopper gives an address. */
  country?: string | undefined;
}

export interface ShippingRates {
  methods(request: ShippingRequest): Promise<ShippingMethod[]>;
  /**
   * True for an adapter that asks a carrier over the network: checkout then asks it before its
   * transaction opens, so no connection or lock waits on a carrier. The rate table answers at once.
   */
  readonly remote?: boolean;
}

export interface RateTableOptions {
  /** Where the warehouse is: domestic rates apply there, international ones elsewhere. */
  homeCountry?: string;
  /** Standard shipping is free from this subtotal (domestic), in minor units. */
  freeAbove?: number;
}

/** Flat rates per method, domestic or international, with free standard shipping above a threshold. */
export function createRateTable(options: RateTableOptions = {}): ShippingRates {
  const home = options.homeCountry ?? 'US';
  const freeAbove = options.freeAbove ?? 7_500;
  return {
    async methods({ subtotal, currency, country }) {
      const domestic = country === undefined || country === home;
      if (domestic) {
        return [
          {
            id: 'standard',
            name: subtotal >= freeAbove ? 'Standard (free)' : 'Standard',
            price: subtotal >= freeAbove ? 0 : 500,
            currency,
            estimatedDays: 5,
          },
          { id: 'express', name: 'Express', price: 1_500, currency, estimatedDays: 2 },
          { id: 'next_day', name: 'Next day', price: 2_500, currency, estimatedDays: 1 },
        ];
      }
      return [
        {
          id: 'standard',
          name:
            subtotal >= freeAbove * 2 ? 'International standard (free)' : 'International standard',
          price: subtotal >= freeAbove * 2 ? 0 : 1_500,
          currency,
          estimatedDays: 10,
        },
        { id: 'express', name: 'International express', price: 3_500, currency, estimatedDays: 4 },
      ];
    },
  };
}
