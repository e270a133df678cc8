import { lazy, Suspense, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { CartItem } from '../../api/client';
import { useBag, useChangeBag } from '../bag/api';
import { Empty, ErrorNotice, Loading } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { useCheckoutConfig } from './api';
import { Totals } from './Totals';

// Stripe's wallets, in a chunk of their own: fetched only by a store that takes payments by Stripe.
const BagWallets = lazy(() => import('./stripe/BagWallets'));

const maxPerLine = 10;

function Line({ item }: { item: CartItem }) {
  const change = useChangeBag();
  const most = Math.max(1, Math.min(maxPerLine, item.available));
  return (
    <li className="bag-line" data-testid="bag-line">
      {item.image ? (
        <img src={item.image.url} alt="" width={96} height={120} loading="lazy" />
      ) : (
        <div className="bag-line__placeholder" aria-hidden="true" />
      )}
      <div className="bag-line__info">
        <h2 className="bag-line__name">
          <Link to={`/products/${item.productSlug}?color=${encodeURIComponent(item.color)}`}>
            {item.name}
          </Link>
        </h2>
        <p className="bag-line__meta">
          {item.color} · Size {item.size}
        </p>
        <p>{formatMoney(item.unitPrice)} each</p>
        {item.priceChanged && (
          <p className="notice notice--warning" role="status">
            The price changed since you added this.
          </p>
        )}
        {!item.purchasable && (
          <p className="notice notice--error" role="status">
            {item.available === 0
              ? 'Sold out: remove it to check out.'
              : `Only ${item.available} left: lower the quantity to check out.`}
          </p>
        )}
        {change.isError && <ErrorNotice error={change.error} title="Not changed." />}
      </div>
      <div className="bag-line__actions">
        <label>
          <span className="visually-hidden">Quantity of {item.name}</span>
          <select
            value={item.quantity}
            disabled={change.isPending}
            onChange={(event) =>
              change.mutate({
                kind: 'quantity',
                itemId: item.id,
                quantity: Number(event.target.value),
              })
            }
          >
            {Array.from({ length: Math.max(most, item.quantity) }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <p className="bag-line__total">{formatMoney(item.lineTotal)}</p>
        <button
          type="button"
          className="link-button"
          disabled={change.isPending}
          onClick={() => change.mutate({ kind: 'remove', itemId: item.id })}
        >
          Remove<span className="visually-hidden"> {item.name}</span>
        </button>
      </div>
    </li>
  );
}

function DiscountForm({ code, problem }: { code: string | null; problem: string | null }) {
  const change = useChangeBag();
  const [text, setText] = useState('');
  function apply(event: FormEvent) {
    event.preventDefault();
    if (text.trim())
      change.mutate({ kind: 'discount', code: text.trim() }, { onSuccess: () => setText('') });
  }
  if (code) {
    return (
      <div className="discount">
        <p>
          Code <strong>{code}</strong> applied.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => change.mutate({ kind: 'removeDiscount' })}
          >
            Remove code
          </button>
        </p>
        {problem && <p className="field-error">{problem}</p>}
      </div>
    );
  }
  const error = change.error;
  return (
    <form className="discount" onSubmit={apply}>
      <label htmlFor="discount-code">Discount code</label>
      <div className="discount__row">
        <input
          id="discount-code"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoComplete="off"
          aria-describedby="discount-error"
        />
        <button type="submit" className="button button--secondary" disabled={change.isPending}>
          Apply
        </button>
      </div>
      <p id="discount-error" className="field-error" role={error ? 'alert' : undefined}>
        {error ? error.message : ''}
      </p>
    </form>
  );
}

export function BagPage() {
  useDocumentTitle('Bag');
  const bag = useBag();
  const payments = useCheckoutConfig();
  if (bag.isPending) return <Loading label="Loading your bag…" />;
  if (bag.isError)
    return (
      <ErrorNotice
        error={bag.error}
        retry={() => bag.refetch()}
        title="We couldn’t load your bag."
      />
    );
  const cart = bag.data;
  if (!cart || cart.items.length === 0) {
    return (
      <section className="page">
        <h1>Your bag</h1>
        <Empty title="Your bag is empty">
          <p>
            <Link className="button" to="/shop">
              Start shopping
            </Link>
          </p>
        </Empty>
      </section>
    );
  }
  const blocked = cart.items.some((item) => !item.purchasable);
  return (
    <section className="page bag">
      <h1>Your bag</h1>
      <div className="bag__layout">
        <ul className="bag__lines">
          {cart.items.map((item) => (
            <Line key={item.id} item={item} />
          ))}
        </ul>
        <aside className="bag__summary" aria-label="Order summary">
          <h2>Summary</h2>
          <DiscountForm code={cart.discountCode} problem={cart.discountProblem?.reason ?? null} />
          <Totals
            totals={{ ...cart, shipping: cart.shipping }}
            shippingLabel="Shipping (estimate)"
          />
          {blocked ? (
            <p className="notice notice--error">
              Some items can’t be bought as they are; change them to check out.
            </p>
          ) : (
            <>
              {payments.data?.provider === 'stripe' && (
                <Suspense fallback={null}>
                  <BagWallets cart={cart} config={payments.data} />
                </Suspense>
              )}
              <Link className="button button--wide" to="/checkout">
                Check out
              </Link>
            </>
          )}
        </aside>
      </div>
    </section>
  );
}
