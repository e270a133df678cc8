import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, type Address } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { bagKey, useBag } from '../bag/api';
import { Empty, ErrorNotice, Loading } from '../../app/states';
import { addressesQuery, shippingCountriesQuery } from '../addresses/api';
import { formatMoney } from '../../lib/money';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { paymentPageUrl } from '../orders/orderAccess';
import {
  AddressFields,
  addressProblems,
  emptyAddress,
  toOrderAddress,
  type AddressForm,
} from './AddressFields';
import { shippingMethodsQuery } from './api';
import { placeOrder } from './placeOrder';
import { SummaryLines, Totals } from './Totals';

const fromSaved = (address: Address): AddressForm => ({
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

function SavedAddresses({ onPick }: { onPick: (address: AddressForm) => void }) {
  const items = useQuery(addressesQuery).data;
  const picked = useRef(false);
  // The default address fills the form once, when the book arrives; a click picks another.
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

export function CheckoutPage() {
  useDocumentTitle('Checkout');
  const { user } = useSession();
  const bag = useBag();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [address, setAddress] = useState<AddressForm>(emptyAddress);
  const [methodId, setMethodId] = useState<string | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [placing, setPlacing] = useState(false);
  // One key per checkout attempt: a double submit or a retry after a lost answer never makes two orders.
  const idempotencyKey = useRef(crypto.randomUUID());
  const formRef = useRef<HTMLFormElement>(null);

  const cart = bag.data;
  const discounted = cart ? cart.subtotal.amount - cart.discount.amount : 0;
  const methods = useQuery({
    ...shippingMethodsQuery(address.country, discounted),
    enabled: Boolean(cart),
  });
  const method = methods.data?.items.find((m) => m.id === methodId) ?? methods.data?.items[0];
  const shippingCountries = useQuery(shippingCountriesQuery);

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

  const contactEmail = user?.email ?? email;

  async function place(event: FormEvent) {
    event.preventDefault();
    if (!cart || !method) return;
    const found: Record<string, string> = {
      ...addressProblems(address, shippingCountries.data),
    } as Record<string, string>;
    if (!user && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
      found.email = 'Enter a valid email address.';
    setProblems(found);
    setFailure(null);
    if (Object.keys(found).length) {
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setPlacing(true);
    try {
      const order = await placeOrder(
        {
          cartId: cart.id,
          email: contactEmail.trim(),
          shippingAddress: toOrderAddress(address),
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
      if (error instanceof ApiError && error.fieldErrors.length) {
        const fromApi: Record<string, string> = {};
        for (const { path, message } of error.fieldErrors)
          fromApi[path.split(/[./]/).pop() ?? path] = message;
        setProblems(fromApi);
      }
      // A refused order (stock, validation) may be fixed and sent again: that is a new attempt.
      if (error instanceof ApiError && error.status > 0)
        idempotencyKey.current = crypto.randomUUID();
      setFailure(error);
    }
  }

  return (
    <section className="page checkout">
      <h1>Checkout</h1>
      <div className="checkout__layout">
        <form ref={formRef} className="form" onSubmit={place} noValidate>
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
                  value={email}
                  aria-invalid={problems.email ? true : undefined}
                  aria-describedby={problems.email ? 'checkout-email-error' : undefined}
                  onChange={(e) => setEmail(e.target.value)}
                />
                {problems.email && (
                  <p className="field-error" id="checkout-email-error">
                    {problems.email}
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
            {user && <SavedAddresses onPick={setAddress} />}
            <AddressFields value={address} onChange={setAddress} problems={problems} />
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
