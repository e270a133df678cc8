import { z } from 'zod';
import type { Address, OrderAddress } from '../../api/client';
import { countryName } from '../../lib/countries';
import type { ShippingCountry } from './api';

/** What the address fields hold: text as typed, one string per field of the API's address. */
export type AddressValues = { [K in keyof OrderAddress]-?: string };

export const addressLabels: Record<keyof AddressValues, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  line1: 'Address',
  line2: 'Apartment, suite (optional)',
  city: 'City',
  region: 'State or region',
  postalCode: 'Postal code',
  country: 'Country',
  phone: 'Phone (optional)',
};

const required = (what: string, max: number) =>
  z.string().trim().min(1, `Enter the ${what}.`).max(max, `Use at most ${max} characters.`);
const optional = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`);

/** The limits the API sets on each field (server's address schema), checked before sending. */
export const addressShape = {
  firstName: required('first name', 100),
  lastName: required('last name', 100),
  line1: required('address', 200),
  line2: optional(200),
  city: required('city', 100),
  region: optional(100),
  postalCode: required('postal code', 20).regex(
    /^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/,
    'Enter a valid postal code.',
  ),
  country: z.string().regex(/^[A-Z]{2}$/, 'Choose a country.'),
  phone: optional(40),
};

export const notShippedMessage = (code: string) =>
  `We don’t ship to ${countryName(code)}. Choose another country.`;

export const regionRequired = (countries: readonly ShippingCountry[] | undefined, code: string) =>
  countries?.some((country) => country.code === code && country.regionRequired) ?? false;

/**
 * The checks that need the countries the store ships to (while they load, only what needs none of
 * them): where tax depends on the state or province its two-letter code is required, and with
 * `shippedOnly` (checkout) the country must be one the store ships to.
 */
export function checkAddress(
  countries: readonly ShippingCountry[] | undefined,
  { shippedOnly }: { shippedOnly: boolean },
) {
  return (address: Pick<AddressValues, 'country' | 'region'>, context: z.RefinementCtx) => {
    if (shippedOnly && countries && !countries.some(({ code }) => code === address.country)) {
      context.addIssue({
        code: 'custom',
        path: ['country'],
        message: notShippedMessage(address.country),
      });
    }
    if (regionRequired(countries, address.country) && !/^[A-Za-z]{2}$/.test(address.region)) {
      context.addIssue({
        code: 'custom',
        path: ['region'],
        message: 'Enter the two-letter state or province code, like CA.',
      });
    }
  };
}

export const emptyAddress = (country = ''): AddressValues => ({
  firstName: '',
  lastName: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country,
  phone: '',
});

/** A saved address as the fields show it. */
export const fromSaved = (address: Address | OrderAddress): AddressValues => ({
  firstName: address.firstName,
  lastName: address.lastName,
  line1: address.line1,
  line2: address.line2 ?? '',
  city: address.city,
  region: address.region ?? '',
  postalCode: address.postalCode,
  country: address.country,
  phone: address.phone ?? '',
});

/** Checked values as the API takes them: optional fields left empty are sent as null. */
export function toOrderAddress(values: AddressValues): OrderAddress {
  const optionalValue = (value: string) => value.trim() || null;
  return {
    firstName: values.firstName.trim(),
    lastName: values.lastName.trim(),
    line1: values.line1.trim(),
    line2: optionalValue(values.line2),
    city: values.city.trim(),
    region: optionalValue(values.region),
    postalCode: values.postalCode.trim(),
    country: values.country,
    phone: optionalValue(values.phone),
  };
}
