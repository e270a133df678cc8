import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { z } from 'zod';
import { ApiError } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { bagKey, useBag } from '../bag/api';
import { Empty, ErrorNotice, Loading } from '../../app/states';
import {
  addressShape,
  checkAddress,
  emptyAddress,
  fromSaved,
  toOrderAddress,
  type AddressValues,
} from '../addresses/address-form';
import { AddressFields } from '../addresses/AddressFields';
import { addressesQuery, shippingCountriesQuery } from '../addresses/api';
import { emailPattern } from '../../lib/forms';
import { formatMoney } from '../../lib/money';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { paymentPageUrl } from '../orders/orderAccess';
import { shippingMethodsQuery } from './api';
import { placeOrder } from './placeOrder';
import { SummaryLines, Totals } from './Totals';

/** The address book's default fills the form once, when the book arrives; a click picks another. */
function SavedAddresses({ onPick }: { onPick: (address: AddressValues) => void }) {
  const items = useQuery(addressesQuery).data;
  const picked = useRef(false);
  useEffect(() => {
    const preferred = items?.find((a) => a.isDefaultShipping) ?? items?.[0];
    if (preferred && !picked.current) {
      picked.current = true;
      onPick(fromSaved(preferred));
    }
  }, [items, onPick]);
  if (!items?.length) return null;
  return (
    <fieldset className="saved-addresses">
      <legend>Your addresses</legend>
      {items.map((address) => (
        <button
          key={address.id}
          type="button"
          className="button button--secondary button--small"
          onClick={() => onPick(fromSaved(address))}
        >
          {address.line1}, {address.city}
        </button>
      ))}
    </fieldset>
  );
}

/**
 * What checkout checks before sending: a guest's email, and an address in a country the store ships
 * to (once the countries are known). The API's own checks come back as field errors too.
 */
const checkoutSchema = (countries: Parameters<typeof checkAddress>[0], signedIn: boolean) =>
  z
    .object({
      ...addressShape,
      email: signedIn
        ? z.string()
        : z.string().trim().regex(emailPattern, 'Enter a valid email address.'),
    })
    .superRefine(checkAddress(countries, { shippedOnly: true }));

type CheckoutValues = AddressValues & { email: string };

export function CheckoutPage() {
  useDocumentTitle('Checkout');
  const { user } = useSession();
  const bag = useBag();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const countries = useQuery(shippingCountriesQuery).data;
  const form = useForm<CheckoutValues>({
    resolver: zodResolver(checkoutSchema(countries, Boolean(user))),
    defaultValues: { ...emptyAddress('US'), email: '' },
  });
  const country = useWatch({ control: form.control, name: 'country' });
  const [methodId, setMethodId] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [placing, setPlacing] = useState(false);
  // One key per checkout attempt: a double submit or a retry after a lost answer never makes two orders.
  const idempotencyKey = useRef(crypto.randomUUID());
  const { setValue } = form;
  const pickAddress = useCallback(
    (address: AddressValues) => {
      for (const [name, value] of Object.entries(address))
        setValue(name as keyof AddressValues, value, { shouldDirty: true });
    },
    [setValue],
  );

  const cart = bag.data;
  const discounted = cart ? cart.subtotal.amount - cart.discount.amount : 0;
  const methods = useQuery({
    ...shippingMethodsQuery(country, discounted),
    enabled: Boolean(cart),
  });
  const method = methods.data?.items.find((m) => m.id === methodId) ?? methods.data?.items[0];

  if (bag.isPending) return <Loading label="Loading your bag…" />;
  if (bag.isError) return <ErrorNotice error={bag.error} retry={() => bag.refetch()} />;
  if (!cart || cart.items.length === 0) {
    return (
      <section className="page">
        <h1>Checkout</h1>
        <Empty title="Your bag is empty">
          <p>
            <Link to="/shop">Find something you like</Link>
          </p>
        </Empty>
      </section>
    );
  }

  async function place(values: CheckoutValues) {
    if (!cart || !method) return;
    setFailure(null);
    setPlacing(true);
    try {
      const order = await placeOrder(
        {
          cartId: cart.id,
          email: user?.email ?? values.email,
          shippingAddress: toOrderAddress(values),
          shippingMethodId: method.id,
        },
        idempotencyKey.current,
      );
      await queryClient.invalidateQueries({ queryKey: bagKey });
      // With Stripe the card step is the store's own page; the local gateway has its card page.
      if (order.payment.provider === 'stripe') await navigate(`/orders/${order.id}/pay`);
      else if (order.payment.clientSecret)
        window.location.assign(paymentPageUrl(order.payment.clientSecret));
      else window.location.assign(`/orders/${order.id}`);
    } catch (error) {
      setPlacing(false);
      if (error instanceof ApiError) {
        for (const { path, message } of error.fieldErrors) {
          const name = path.split(/[./]/).pop() ?? path;
          if (name in form.getValues()) form.setError(name as keyof CheckoutValues, { message });
        }
      }
      // A refused order (stock, validation) may be fixed and sent again: that is a new attempt.
      if (error instanceof ApiError && error.status > 0)
        idempotencyKey.current = crypto.randomUUID();
      setFailure(error);
    }
  }
  const emailProblem = form.formState.errors.email?.message;

  return (
    <section className="page checkout">
      <h1>Checkout</h1>
      <div className="checkout__layout">
        <FormProvider {...form}>
          <form
            className="form"
            onSubmit={(event) => void form.handleSubmit(place)(event)}
            noValidate
          >
            <fieldset>
              <legend>Contact</legend>
              {user ? (
                <p>
                  Signed in as <strong>{user.email}</strong>
                </p>
              ) : (
                <div className="field">
                  <label htmlFor="checkout-email">Email</label>
                  <input
                    id="checkout-email"
                    type="email"
                    autoComplete="email"
                    required
                    {...form.register('email')}
                    aria-invalid={emailProblem ? true : undefined}
                    aria-describedby={emailProblem ? 'checkout-email-error' : undefined}
                  />
                  {emailProblem && (
                    <p className="field-error" id="checkout-email-error">
                      {emailProblem}
                    </p>
                  )}
                  <p className="field-hint">
                    Have an account? <Link to="/sign-in?next=/checkout">Sign in</Link>
                  </p>
                </div>
              )}
            </fieldset>

            <fieldset>
              <legend>Shipping address</legend>
              {user && <SavedAddresses onPick={pickAddress} />}
              <AddressFields shippedOnly />
            </fieldset>

            <fieldset>
              <legend>Shipping method</legend>
              {methods.isPending ? (
                <Loading label="Loading shipping methods…" />
              ) : methods.isError ? (
                <ErrorNotice error={methods.error} retry={() => methods.refetch()} />
              ) : (
                methods.data.items.map((m) => (
                  <label key={m.id} className="choice">
                    <input
                      type="radio"
                      name="shipping-method"
                      value={m.id}
                      checked={method?.id === m.id}
                      onChange={() => setMethodId(m.id)}
                    />
                    <span>
                      {m.name} · {m.price.amount === 0 ? 'Free' : formatMoney(m.price)}{' '}
                      <span className="muted">
                        ({m.estimatedDays} business {m.estimatedDays === 1 ? 'day' : 'days'})
                      </span>
                    </span>
                  </label>
                ))
              )}
            </fieldset>

            {failure !== null && (
              <ErrorNotice
                error={failure}
                title={
                  failure instanceof ApiError && failure.code === 'insufficient_stock'
                    ? 'Some items just sold out.'
                    : 'Your order was not placed.'
                }
              />
            )}
            {failure instanceof ApiError && failure.code === 'insufficient_stock' && (
              <p>
                <Link to="/bag">Review your bag</Link>
              </p>
            )}
            <button type="submit" className="button button--wide" disabled={placing || !method}>
              {placing ? 'Placing your order…' : 'Continue to payment'}
            </button>
            <p className="field-hint">Tax is added to the total on the payment page.</p>
          </form>
        </FormProvider>

        <aside className="checkout__summary" aria-label="Order summary">
          <h2>Review</h2>
          <SummaryLines items={cart.items} />
          <Totals
            totals={{
              subtotal: cart.subtotal,
              discount: cart.discount,
              discountCode: cart.discountCode,
              shipping: method?.price,
            }}
          />
        </aside>
      </div>
    </section>
  );
}
