import type { OrderAddress } from '../../api/client';
import { useQuery } from '@tanstack/react-query';
import { countryName } from '../../lib/countries';
import { shippingCountriesQuery, type ShippingCountry } from '../addresses/api';

export type AddressForm = Required<{ [K in keyof OrderAddress]: string }>;

export const emptyAddress: AddressForm = {
  firstName: '',
  lastName: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: 'US',
  phone: '',
};

const required: (keyof AddressForm)[] = [
  'firstName',
  'lastName',
  'line1',
  'city',
  'postalCode',
  'country',
];

const needsRegion = (countries: readonly ShippingCountry[] | undefined, code: string) =>
  countries?.some((country) => country.code === code && country.regionRequired) ?? false;

/**
 * What the form can tell before sending, given the countries the store ships to (while they are
 * loading, only what needs none of them); the API's own checks come back as field errors too.
 */
export function addressProblems(
  address: AddressForm,
  countries?: readonly ShippingCountry[],
): Partial<Record<keyof AddressForm, string>> {
  const problems: Partial<Record<keyof AddressForm, string>> = {};
  for (const field of required) if (!address[field].trim()) problems[field] = 'Required.';
  if (countries && !countries.some((country) => country.code === address.country))
    problems.country = `We don’t ship to ${countryName(address.country)}. Choose another country.`;
  if (needsRegion(countries, address.country) && !/^[A-Za-z]{2}$/.test(address.region.trim()))
    problems.region = 'Enter the two-letter state or province code, like CA.';
  if (address.postalCode && !/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/.test(address.postalCode.trim()))
    problems.postalCode = 'Enter a valid postal code.';
  return problems;
}

export function toOrderAddress(address: AddressForm): OrderAddress {
  const optional = (value: string) => (value.trim() ? value.trim() : null);
  return {
    firstName: address.firstName.trim(),
    lastName: address.lastName.trim(),
    line1: address.line1.trim(),
    line2: optional(address.line2),
    city: address.city.trim(),
    region: optional(address.region),
    postalCode: address.postalCode.trim(),
    country: address.country,
    phone: optional(address.phone),
  };
}

const fields: [keyof AddressForm, string, string, boolean][] = [
  ['firstName', 'First name', 'given-name', true],
  ['lastName', 'Last name', 'family-name', true],
  ['line1', 'Address', 'address-line1', true],
  ['line2', 'Apartment, suite (optional)', 'address-line2', false],
  ['city', 'City', 'address-level2', true],
  ['region', 'State or region', 'address-level1', false],
  ['postalCode', 'Postal code', 'postal-code', true],
  ['phone', 'Phone (optional)', 'tel', false],
];

export function AddressFields({
  value,
  onChange,
  problems,
}: {
  value: AddressForm;
  onChange: (next: AddressForm) => void;
  problems: Partial<Record<keyof AddressForm, string>>;
}) {
  const countries = useQuery(shippingCountriesQuery).data;
  const shipped = countries?.some((country) => country.code === value.country) ?? true;
  // A saved address abroad may name a country the store does not ship to: said at once.
  const countryProblem =
    problems.country ?? (shipped ? undefined : addressProblems(value, countries).country);
  return (
    <div className="address-fields">
      {fields.map(([name, text, autocomplete, always]) => {
        const isRequired = always || (name === 'region' && needsRegion(countries, value.country));
        const label = name === 'region' && !isRequired ? `${text} (optional)` : text;
        return (
          <div className={`field field--${name}`} key={name}>
            <label htmlFor={`address-${name}`}>{label}</label>
            <input
              id={`address-${name}`}
              name={name}
              autoComplete={`shipping ${autocomplete}`}
              required={isRequired}
              value={value[name]}
              aria-invalid={problems[name] ? true : undefined}
              aria-describedby={problems[name] ? `address-${name}-error` : undefined}
              onChange={(event) => onChange({ ...value, [name]: event.target.value })}
            />
            {problems[name] && (
              <p className="field-error" id={`address-${name}-error`}>
                {problems[name]}
              </p>
            )}
          </div>
        );
      })}
      <div className="field field--country">
        <label htmlFor="address-country">Country</label>
        <select
          id="address-country"
          name="country"
          autoComplete="shipping country"
          value={shipped ? value.country : ''}
          aria-invalid={countryProblem ? true : undefined}
          aria-describedby={countryProblem ? 'address-country-error' : undefined}
          onChange={(event) => onChange({ ...value, country: event.target.value })}
        >
          {!shipped && (
            <option value="" disabled>
              Choose a country
            </option>
          )}
          {(countries ?? [{ code: value.country }]).map(({ code }) => (
            <option key={code} value={code}>
              {countryName(code)}
            </option>
          ))}
        </select>
        {countryProblem && (
          <p className="field-error" id="address-country-error">
            {countryProblem}
          </p>
        )}
      </div>
    </div>
  );
}
