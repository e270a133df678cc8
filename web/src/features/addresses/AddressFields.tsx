import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { countryName } from '../../lib/countries';
import { Field, SelectField } from '../../lib/forms';
import { shippingCountriesQuery } from './api';
import {
  addressLabels,
  notShippedMessage,
  regionRequired,
  type AddressValues,
} from './address-form';

const autoComplete: Record<keyof AddressValues, string> = {
  firstName: 'given-name',
  lastName: 'family-name',
  line1: 'address-line1',
  line2: 'address-line2',
  city: 'address-level2',
  region: 'address-level1',
  postalCode: 'postal-code',
  country: 'country',
  phone: 'tel',
};

/**
 * An address's fields inside a `react-hook-form` form whose values include `AddressValues`: the one
 * address form of checkout and the address book. The countries offered are those the store ships
 * to; an address saved in another still shows its own, which with `shippedOnly` (checkout) cannot
 * be chosen and is said at once.
 */
export function AddressFields({ shippedOnly }: { shippedOnly: boolean }) {
  const {
    register,
    setValue,
    getValues,
    formState: { errors },
  } = useFormContext<AddressValues>();
  const countries = useQuery(shippingCountriesQuery).data;
  const country = useWatch<AddressValues, 'country'>({ name: 'country' });

  // A new address starts in the first country the store ships to.
  useEffect(() => {
    const first = countries?.[0]?.code;
    if (first && !getValues('country')) setValue('country', first);
  }, [countries, getValues, setValue]);

  const shipped = countries?.some(({ code }) => code === country) ?? true;
  const needsRegion = regionRequired(countries, country);
  const options = (countries ?? []).map(({ code }) => code);
  if (country && !options.includes(country)) options.push(country);

  const field = (name: Exclude<keyof AddressValues, 'country'>, required: boolean) => (
    <Field
      {...register(name)}
      id={`address-${name}`}
      className={`field--${name}`}
      label={addressLabels[name]}
      autoComplete={`shipping ${autoComplete[name]}`}
      required={required}
      error={errors[name]?.message}
    />
  );
  return (
    <div className="address-fields">
      {field('firstName', true)}
      {field('lastName', true)}
      {field('line1', true)}
      {field('line2', false)}
      {field('city', true)}
      <Field
        {...register('region')}
        id="address-region"
        className="field--region"
        label={needsRegion ? addressLabels.region : `${addressLabels.region} (optional)`}
        hint={needsRegion ? `Two-letter code, e.g. ${country === 'CA' ? 'ON' : 'OR'}` : undefined}
        autoComplete={`shipping ${autoComplete.region}`}
        required={needsRegion}
        error={errors.region?.message}
      />
      {field('postalCode', true)}
      <SelectField
        {...register('country')}
        // Held by the form too, so a country picked before its option is drawn still shows.
        value={country}
        id="address-country"
        className="field--country"
        label={addressLabels.country}
        autoComplete={`shipping ${autoComplete.country}`}
        required
        error={
          errors.country?.message ??
          (shippedOnly && !shipped ? notShippedMessage(country) : undefined)
        }
      >
        {options.map((code) => (
          <option key={code} value={code} disabled={shippedOnly && code === country && !shipped}>
            {countryName(code)}
          </option>
        ))}
      </SelectField>
      <Field
        {...register('phone')}
        id="address-phone"
        className="field--phone"
        type="tel"
        label={addressLabels.phone}
        hint="For the courier, if they need to reach you."
        autoComplete={`shipping ${autoComplete.phone}`}
        error={errors.phone?.message}
      />
    </div>
  );
}
