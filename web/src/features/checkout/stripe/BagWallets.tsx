import { Elements, ExpressCheckoutElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type {
  ShippingRate,
  StripeExpressCheckoutElementConfirmEvent,
  StripeExpressCheckoutElementShippingAddressChangeEvent,
  StripeExpressCheckoutElementShippingRateChangeEvent,
} from '@stripe/stripe-js';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import {
  api,
  ApiError,
  call,
  type Cart,
  type OrderAddress,
  type ShippingMethod,
} from '../../../api/client';
import { useSession } from '../../../auth/useSession';
import { bagKey } from '../../bag/api';
import { ErrorNotice } from '../../../app/states';
import { formatMoney } from '../../../lib/money';
import { shippingMethodsQuery, type CheckoutConfig } from '../api';
import { placeOrder } from '../placeOrder';
import { stripeFor } from './loadStripe';
import { appearance, outcomeOf, returnUrl } from './outcome';

const methodsOf = async (country: string, subtotal: number) =>
  (await call(api.GET('/api/v1/shipping-methods', { params: { query: { country, subtotal } } })))
    .items;

const ratesOf = (methods: ShippingMethod[]): ShippingRate[] =>
  methods.map((m) => ({ id: m.id, displayName: m.name, amount: m.price.amount }));

/** The wallet's shipping address as the order's: its one name line split into first and last. */
function orderAddress(
  shipping: NonNullable<StripeExpressCheckoutElementConfirmEvent['shippingAddress']>,
  phone: string | undefined,
): OrderAddress {
  const [first = '', ...rest] = shipping.name.trim().split(/\s+/);
  const { address } = shipping;
  return {
    firstName: first,
    lastName: rest.join(' ') || first,
    line1: address.line1,
    line2: address.line2 || null,
    city: address.city,
    region: address.state || null,
    postalCode: address.postal_code,
    country: address.country,
    phone: phone || null,
  };
}

/**
 * A wallet on the bag. The sheet asks for the address and shows the bag with the shipping the
 * store prices for that country; on the shopper's confirmation the order is placed from the bag
 * (the server prices it, tax included) and its PaymentIntent confirmed with the wallet. Should the
 * order's total differ from what the sheet showed (tax, say), nothing is charged: the shopper goes
 * to the order's payment step with the exact total.
 */
function BagExpressCheckout({ cart }: { cart: Cart }) {
  const stripe = useStripe();
  const elements = useElements();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const [offered, setOffered] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const goods = cart.subtotal.amount - cart.discount.amount;
  // Rates for the likeliest country, ready for the click (Stripe wants an answer within a second).
  const home = useQuery({ ...shippingMethodsQuery('US', goods), select: (data) => data.items });
  const sheet = useRef<{ methods: ShippingMethod[]; amount: number }>({ methods: [], amount: 0 });
  const idempotencyKey = useRef(crypto.randomUUID());

  function show(methods: ShippingMethod[], chosen: ShippingMethod | undefined) {
    sheet.current = { methods, amount: goods + (chosen?.price.amount ?? 0) };
    elements?.update({ amount: sheet.current.amount });
  }

  async function addressChanged(event: StripeExpressCheckoutElementShippingAddressChangeEvent) {
    try {
      const methods = await methodsOf(event.address.country, goods);
      if (!methods.length) return event.reject();
      show(methods, methods[0]);
      event.resolve({ shippingRates: ratesOf(methods) });
    } catch {
      event.reject();
    }
  }

  function rateChanged(event: StripeExpressCheckoutElementShippingRateChangeEvent) {
    const { methods } = sheet.current;
    show(
      methods,
      methods.find((m) => m.id === event.shippingRate.id),
    );
    event.resolve();
  }

  async function confirm(event: StripeExpressCheckoutElementConfirmEvent) {
    if (!stripe || !elements || !event.shippingAddress || !event.shippingRate) return;
    setProblem(null);
    const { error: invalid } = await elements.submit();
    if (invalid) {
      event.paymentFailed({ reason: 'fail' });
      setProblem(new Error(invalid.message));
      return;
    }
    let order;
    try {
      order = await placeOrder(
        {
          cartId: cart.id,
          email: user?.email ?? event.billingDetails?.email ?? '',
          shippingAddress: orderAddress(event.shippingAddress, event.billingDetails?.phone),
          shippingMethodId: event.shippingRate.id,
        },
        idempotencyKey.current,
      );
    } catch (error) {
      event.paymentFailed({ reason: 'fail' });
      if (error instanceof ApiError && error.status > 0)
        idempotencyKey.current = crypto.randomUUID();
      setProblem(error);
      return;
    }
    const done = async (path: string, state?: object) => {
      // The bag is an order now; it is read again only once the wallet is done with this page.
      await queryClient.invalidateQueries({ queryKey: bagKey });
      void navigate(path, state ? { state } : undefined);
    };
    const payPath = `/orders/${order.id}/pay`;
    if (!order.payment.clientSecret || order.total.amount !== sheet.current.amount) {
      event.paymentFailed({ reason: 'fail' });
      return done(payPath, {
        notice: `With tax for your address, your order comes to ${formatMoney(order.total)}. Pay it here.`,
      });
    }
    const result = await stripe.confirmPayment({
      elements,
      clientSecret: order.payment.clientSecret,
      confirmParams: { return_url: returnUrl(order.id) },
      redirect: 'if_required',
    });
    const outcome = outcomeOf(order.id, result);
    if (outcome.kind === 'confirmed') return done(outcome.path);
    return done(payPath, outcome.kind === 'failed' ? { failure: outcome.message } : undefined);
  }

  return (
    <div className="wallets" hidden={offered === false} data-testid="bag-wallets">
      <ExpressCheckoutElement
        onReady={({ availablePaymentMethods }) => setOffered(Boolean(availablePaymentMethods))}
        onClick={(event) => {
          const methods = home.data ?? [];
          show(methods, methods[0]);
          event.resolve({
            emailRequired: !user,
            phoneNumberRequired: true,
            shippingAddressRequired: true,
            shippingRates: ratesOf(methods),
          });
        }}
        onShippingAddressChange={(event) => void addressChanged(event)}
        onShippingRateChange={rateChanged}
        onConfirm={(event) => void confirm(event)}
      />
      {problem !== null && <ErrorNotice error={problem} title="Your order was not placed." />}
      {offered && <p className="wallets__or">or check out below</p>}
    </div>
  );
}

/** Stripe's elements for the bag, in deferred mode: the amount is the bag's until an order exists. */
export default function BagWallets({ cart, config }: { cart: Cart; config: CheckoutConfig }) {
  const stripe = useMemo(() => stripeFor(config), [config]);
  const options = useMemo(
    () => ({
      mode: 'payment' as const,
      amount: cart.total.amount,
      currency: cart.total.currency.toLowerCase(),
      appearance,
    }),
    [cart.total.amount, cart.total.currency],
  );
  return (
    <Elements stripe={stripe} options={options}>
      <BagExpressCheckout cart={cart} />
    </Elements>
  );
}
