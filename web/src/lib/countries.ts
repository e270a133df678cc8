import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../api/client';

export type ShippingCountry = Schemas['ShippingCountry'];

/**
 * The countries the store ships to, in the order to offer them, as the API has them
 * (SHIPPING_COUNTRIES): checkout and the address book offer exactly these. They change only when
 * the store is reconfigured, so one answer serves the whole visit.
 */
export function useShippingCountries() {
  return useQuery({
    queryKey: ['shipping-countries'],
    queryFn: async ({ signal }) =>
      (await call(api.GET('/api/v1/shipping-countries', { signal }))).items,
    staleTime: Infinity,
  });
}

let names: Intl.DisplayNames | undefined;

/** A country's name in English, from the browser; its code where the browser has none. */
export function countryName(code: string): string {
  try {
    names ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
