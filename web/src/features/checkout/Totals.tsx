import type { Money } from '../../api/client';
import { formatMoney } from '../../lib/money';

export interface TotalsLines {
  subtotal: Money;
  discount: Money;
  shipping?: Money | null;
  tax?: Money | null;
  total?: Money | null;
  discountCode?: string | null;
}

/** Money lines as the API computed them; the storefront never adds prices up itself. */
export function Totals({
  totals,
  shippingLabel = 'Shipping',
  pending,
}: {
  totals: TotalsLines;
  shippingLabel?: string;
  pending?: string;
}) {
  return (
    <dl className="totals">
      <div>
        <dt>Subtotal</dt>
        <dd>{formatMoney(totals.subtotal)}</dd>
      </div>
      {totals.discount.amount > 0 && (
        <div className="totals__discount">
          <dt>Discount{totals.discountCode ? ` (${totals.discountCode})` : ''}</dt>
          <dd>−{formatMoney(totals.discount)}</dd>
        </div>
      )}
      {totals.shipping && (
        <div>
          <dt>{shippingLabel}</dt>
          <dd>{totals.shipping.amount === 0 ? 'Free' : formatMoney(totals.shipping)}</dd>
        </div>
      )}
      {totals.tax && (
        <div>
          <dt>Tax</dt>
          <dd>{formatMoney(totals.tax)}</dd>
        </div>
      )}
      {totals.total ? (
        <div className="totals__total">
          <dt>Total</dt>
          <dd data-testid="total">{formatMoney(totals.total)}</dd>
        </div>
      ) : (
        pending && <p className="totals__note">{pending}</p>
      )}
    </dl>
  );
}

/** One line per item with its total, as a bag or an order lists them beside the totals. */
export function SummaryLines({
  items,
}: {
  items: {
    id: string;
    name: string;
    color: string;
    size: string;
    quantity: number;
    lineTotal: Money;
  }[];
}) {
  return (
    <ul className="summary-lines">
      {items.map((item) => (
        <li key={item.id}>
          <span>
            {item.name} · {item.color} · {item.size} × {item.quantity}
          </span>
          <span>{formatMoney(item.lineTotal)}</span>
        </li>
      ))}
    </ul>
  );
}
