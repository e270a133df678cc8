import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { FormProvider, useForm } from 'react-hook-form';
import { z } from 'zod';
import { ApiError, type Address } from '../../api/client';
import { FormAlert, feedbackFrom, useFormFeedback } from '../../lib/forms';
import {
  addressLabels,
  addressShape,
  checkAddress,
  emptyAddress,
  fromSaved,
  toOrderAddress,
} from '../addresses/address-form';
import { AddressFields } from '../addresses/AddressFields';
import { shippingCountriesQuery, useChangeAddress } from '../addresses/api';

const bookEntryShape = { ...addressShape, isDefaultShipping: z.boolean() };

/** Adding or changing one address of the book. `address` absent means a new one. */
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
  const feedback = useFormFeedback<keyof typeof addressLabels>();
  const countries = useQuery(shippingCountriesQuery).data;
  const schema = z
    .object(bookEntryShape)
    .superRefine(checkAddress(countries, { shippedOnly: false }));
  const form = useForm({
    resolver: zodResolver(schema),
    defaultValues: {
      // A new address starts in the first country the store ships to (AddressFields sets it when
      // the countries arrive after the form).
      ...(address ? fromSaved(address) : emptyAddress(countries?.[0]?.code)),
      isDefaultShipping: false,
    },
  });

  const submit = form.handleSubmit(async ({ isDefaultShipping, ...values }) => {
    feedback.clear();
    const body = {
      ...toOrderAddress(values),
      // Sent only when ticked: left out, the API makes a first address the default by itself, and
      // an edit leaves the default as it was.
      ...(isDefaultShipping ? { isDefaultShipping: true } : {}),
    };
    try {
      if (address) {
        await change.mutateAsync({ kind: 'update', id: address.id, body });
        onDone('Address saved.');
      } else {
        await change.mutateAsync({ kind: 'create', body });
        onDone('Address added.');
      }
    } catch (error) {
      const problems =
        error instanceof ApiError && error.code === 'address_book_full'
          ? { fields: {}, form: `${error.message} Delete one you no longer use to add another.` }
          : feedbackFrom(error, addressLabels);
      feedback.failInto(form.setError, problems);
    }
  });

  const title = address ? 'Edit address' : 'Add an address';
  return (
    <FormProvider {...form}>
      <form
        className="form address-form"
        noValidate
        onSubmit={(event) => void submit(event)}
        id={feedback.formId}
        aria-labelledby="address-form-heading"
      >
        <h3 id="address-form-heading">{title}</h3>
        <FormAlert>{feedback.formError}</FormAlert>
        <AddressFields shippedOnly={false} />
        {!address?.isDefaultShipping && (
          <div className="checkbox">
            <input id="address-default" type="checkbox" {...form.register('isDefaultShipping')} />
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
    </FormProvider>
  );
}
