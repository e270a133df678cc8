import { useState, type FormEvent } from 'react';
import { ApiError, type Address } from '../../api/client';
import { useQuery } from '@tanstack/react-query';
import { countryName } from '../../lib/countries';
import { shippingCountriesQuery, useChangeAddress, type AddressInput } from '../addresses/api';
import {
  Field,
  FormAlert,
  feedbackFrom,
  SelectField,
  textOf,
  useFormFeedback,
  type FieldErrors,
} from './forms';

/**
 * Where tax depends on the state or province, checkout wants its two-letter code
 * (server/src/modules/pricing/regions.ts); asking for it here keeps a saved address usable there.
 */
const regionByCode: Record<string, string> = { US: 'State', CA: 'Province' };

type AddressField =
  | 'firstName'
  | 'lastName'
  | 'line1'
  | 'line2'
  | 'city'
  | 'region'
  | 'postalCode'
  | 'country'
  | 'phone';

const labels: Record<AddressField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  line1: 'Address',
  line2: 'Apartment, suite, etc. (optional)',
  city: 'City',
  region: 'Region',
  postalCode: 'Postal code',
  country: 'Country',
  phone: 'Phone',
};

const limits: Partial<Record<AddressField, number>> = {
  firstName: 100,
  lastName: 100,
  line1: 200,
  line2: 200,
  city: 100,
  region: 100,
  postalCode: 20,
  phone: 40,
};

function read(form: HTMLFormElement): AddressInput {
  const data = new FormData(form);
  const optional = (name: string) => textOf(data, name) || null;
  return {
    firstName: textOf(data, 'firstName'),
    lastName: textOf(data, 'lastName'),
    line1: textOf(data, 'line1'),
    line2: optional('line2'),
    city: textOf(data, 'city'),
    region: optional('region'),
    postalCode: textOf(data, 'postalCode'),
    country: textOf(data, 'country'),
    phone: optional('phone'),
    // Sent only when ticked: left out, the API makes a first address the default by itself, and an
    // edit leaves the default as it was.
    ...(data.get('isDefaultShipping') === 'on' ? { isDefaultShipping: true } : {}),
  };
}

function problemsOf(address: AddressInput): FieldErrors<AddressField> {
  const errors: FieldErrors<AddressField> = {};
  for (const field of ['firstName', 'lastName', 'line1', 'city', 'postalCode'] as const) {
    if (!address[field]) errors[field] = `Enter the ${labels[field].toLowerCase()}.`;
  }
  for (const [field, max] of Object.entries(limits) as [AddressField, number][]) {
    const value = address[field];
    if (!errors[field] && typeof value === 'string' && value.length > max) {
      errors[field] = `Use at most ${max} characters.`;
    }
  }
  if (!/^[A-Z]{2}$/.test(address.country)) errors.country = 'Choose a country.';
  const regionName = regionByCode[address.country];
  if (regionName && !/^[A-Za-z]{2}$/.test(address.region ?? '')) {
    errors.region = `Enter the two-letter ${regionName.toLowerCase()} code, for example ${
      address.country === 'US' ? 'OR' : 'ON'
    }.`;
  }
  return errors;
}

/** Adding or changing one address. `address` absent means a new one. */
export function AddressForm({
  address,
  onDone,
  onCancel,
}: {
  address?: Address;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const change = useChangeAddress();
  const feedback = useFormFeedback<AddressField>();
  const shippingCountries = useQuery(shippingCountriesQuery).data;
  const [picked, setCountry] = useState(address?.country);
  // A new address starts in the first country the store ships to.
  const country = picked ?? shippingCountries?.[0]?.code ?? '';
  const regionName = regionByCode[country];
  // The countries the store ships to; an address saved with another (through the API, or before
  // the store stopped shipping there) still shows its own.
  const options = (shippingCountries ?? []).map(({ code }) => code);
  if (country && !options.includes(country)) options.push(country);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = read(event.currentTarget);
    const errors = problemsOf(body);
    if (Object.keys(errors).length > 0) return feedback.fail({ fields: errors, form: null });
    feedback.clear();
    try {
      if (address) {
        await change.mutateAsync({ kind: 'update', id: address.id, body });
        onDone('Address saved.');
      } else {
        await change.mutateAsync({ kind: 'create', body });
        onDone('Address added.');
      }
    } catch (error) {
      feedback.fail(
        error instanceof ApiError && error.code === 'address_book_full'
          ? { fields: {}, form: `${error.message} Delete one you no longer use to add another.` }
          : feedbackFrom(error, labels),
      );
    }
  }

  const title = address ? 'Edit address' : 'Add an address';
  const field = (name: AddressField) => ({
    name,
    label: labels[name],
    defaultValue: address?.[name] ?? '',
    maxLength: limits[name],
    error: feedback.errors[name],
  });
  return (
    <form
      className="form address-form"
      noValidate
      onSubmit={submit}
      id={feedback.formId}
      aria-labelledby="address-form-heading"
    >
      <h3 id="address-form-heading">{title}</h3>
      <FormAlert>{feedback.formError}</FormAlert>
      <div className="form__row">
        <Field {...field('firstName')} autoComplete="shipping given-name" required />
        <Field {...field('lastName')} autoComplete="shipping family-name" required />
      </div>
      <Field {...field('line1')} autoComplete="shipping address-line1" required />
      <Field {...field('line2')} autoComplete="shipping address-line2" />
      <div className="form__row">
        <Field {...field('city')} autoComplete="shipping address-level2" required />
        <Field
          {...field('region')}
          label={regionName ?? 'Region (optional)'}
          hint={regionName ? `Two-letter code, e.g. ${country === 'US' ? 'OR' : 'ON'}` : undefined}
          autoComplete="shipping address-level1"
          required={Boolean(regionName)}
        />
      </div>
      <div className="form__row">
        <Field {...field('postalCode')} autoComplete="shipping postal-code" required />
        <SelectField
          name="country"
          label="Country"
          autoComplete="shipping country"
          value={country}
          onChange={(event) => setCountry(event.target.value)}
          error={feedback.errors.country}
          required
        >
          {options.map((code) => (
            <option key={code} value={code}>
              {countryName(code)}
            </option>
          ))}
        </SelectField>
      </div>
      <Field
        {...field('phone')}
        label="Phone (optional)"
        type="tel"
        autoComplete="shipping tel"
        hint="For the courier, if they need to reach you."
      />
      {!address?.isDefaultShipping && (
        <div className="checkbox">
          <input
            id="address-default"
            type="checkbox"
            name="isDefaultShipping"
            defaultChecked={false}
          />
          <label htmlFor="address-default">Use as my default shipping address</label>
        </div>
      )}
      <div className="form__actions">
        <button type="submit" className="button" disabled={change.isPending}>
          {change.isPending ? 'Saving…' : address ? 'Save address' : 'Add address'}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
