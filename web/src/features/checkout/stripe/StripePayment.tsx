import {
  Elements,
  ExpressCheckoutElement,
  PaymentElement,
  useElements,
  useStripe,
} from '@stripe/react-stripe-js';
import type { PaymentIntentResult } from '@stripe/stripe-js';
import { useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { Order } from '../../../api/client';
import { formatMoney } from '../../../lib/money';
import type { CheckoutConfig } from '../api';
import { stripeFor } from './loadStripe';
import { appearance, outcomeOf, returnUrl } from './outcome';

interface PaymentProps {
  order: Order;
  clientSecret: string;
  /** The order may have changed at the store (expired, paid elsewhere): read it again. */
  onStale: () => void;
  /** The last decline the store heard of, shown until the shopper tries again. */
  failure: string | null;
}

/** What the page does with a confirmation's answer; a message to show when it stays here. */
function useSettle(order: Order, onStale: () => void) {
  const navigate = useNavigate();
  return (result: PaymentIntentResult): string | null => {
    const outcome = outcomeOf(order.id, result);
    if (outcome.kind === 'confirmed') void navigate(outcome.path);
    else if (outcome.kind === 'failed') return outcome.message;
    else onStale();
    return null;
  };
}

/**
 * The wallets this browser offers (Apple Pay, Google Pay, Link), for the order's exact total. Stripe
 * draws only those available; when there are none the container goes away.
 */
function Wallets({
  order,
  clientSecret,
  onStale,
  onMessage,
}: Omit<PaymentProps, 'failure'> & {
  onMessage: (message: string | null) => void;
}) {
  const stripe = useStripe();
  const elements = useElements();
  const settle = useSettle(order, onStale);
  const [offered, setOffered] = useState<boolean | null>(null);
  async function confirm() {
    if (!stripe || !elements) return;
    onMessage(null);
    const result = await stripe.confirmPayment({
      elements,
      clientSecret,
      confirmParams: { return_url: returnUrl(order.id) },
      redirect: 'if_required',
    });
    onMessage(settle(result));
  }
  return (
    <div className="wallets" hidden={offered === false} data-testid="wallets">
      <ExpressCheckoutElement
        onReady={({ availablePaymentMethods }) => setOffered(Boolean(availablePaymentMethods))}
        onConfirm={() => void confirm()}
      />
      {offered && <p className="wallets__or">or pay with a card</p>}
    </div>
  );
}

/** Stripe's Payment Element: the card (and whatever else Stripe offers), confirmed in the page. */
function CardForm({ order, clientSecret, onStale, failure }: PaymentProps) {
  const stripe = useStripe();
  const elements = useElements();
  const settle = useSettle(order, onStale);
  const [ready, setReady] = useState(false);
  const [paying, setPaying] = useState(false);
  const [message, setMessage] = useState<string | null>(failure);

  async function pay(event: FormEvent) {
    event.preventDefault();
    if (!stripe || !elements) return;
    setPaying(true);
    setMessage(null);
    const { error: incomplete } = await elements.submit();
    if (incomplete) {
      setPaying(false);
      setMessage(incomplete.message ?? 'Check the card details.');
      return;
    }
    // A card that needs 3-D Secure is challenged by Stripe.js in the page; one whose bank insists
    // on its own page leaves for it and comes back to return_url.
    const result = await stripe.confirmPayment({
      elements,
      clientSecret,
      confirmParams: { return_url: returnUrl(order.id) },
      redirect: 'if_required',
    });
    setPaying(false);
    setMessage(settle(result));
  }

  return (
    <form className="form card-form" onSubmit={pay} noValidate>
      <PaymentElement onReady={() => setReady(true)} />
      {message && (
        <p role="alert" className="notice notice--error">
          {message}
        </p>
      )}
      <button type="submit" className="button button--wide" disabled={!ready || paying}>
        {paying ? 'Paying…' : `Pay ${formatMoney(order.total)}`}
      </button>
    </form>
  );
}

/**
 * The card step with Stripe: wallets and the Payment Element for the order's PaymentIntent. Stripe.js
 * comes with this chunk's first render, so only a shopper paying by Stripe ever loads it.
 */
export default function StripePayment({
  config,
  ...props
}: PaymentProps & { config: CheckoutConfig }) {
  const stripe = useMemo(() => stripeFor(config), [config]);
  const options = useMemo(
    () => ({ clientSecret: props.clientSecret, appearance }),
    [props.clientSecret],
  );
  const [walletMessage, setWalletMessage] = useState<string | null>(null);
  return (
    <div className="stripe-payment">
      <Elements stripe={stripe} options={options}>
        <Wallets {...props} onMessage={setWalletMessage} />
      </Elements>
      {walletMessage && (
        <p role="alert" className="notice notice--error">
          {walletMessage}
        </p>
      )}
      <Elements stripe={stripe} options={options}>
        <CardForm {...props} />
      </Elements>
    </div>
  );
}
