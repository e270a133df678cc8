import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { Order } from '../../api/client';
import { useChangeBag } from '../bag/api';
import { ErrorNotice } from '../../app/states';

/**
 * An order that can no longer be paid: it expired unpaid (its stock went back and its payment was
 * cancelled at the provider) or was cancelled. The shopper can put its items back in the bag.
 */
export function ExpiredOrder({ order }: { order: Order }) {
  const change = useChangeBag();
  const navigate = useNavigate();
  const [adding, setAdding] = useState(false);
  const expired = order.paymentDueAt !== null && new Date(order.paymentDueAt) <= new Date();
  async function again() {
    setAdding(true);
    try {
      for (const item of order.items)
        await change.mutateAsync({
          kind: 'add',
          variantId: item.variantId,
          quantity: item.quantity,
        });
      void navigate('/bag');
    } catch {
      setAdding(false);
    }
  }
  return (
    <div className="notice" role="status">
      <p>
        <strong>
          {expired
            ? 'This order expired before it was paid.'
            : 'This order was cancelled before it was paid.'}
        </strong>{' '}
        Nothing was charged, and its items were released.
      </p>
      {change.isError && <ErrorNotice error={change.error} title="Not added." />}
      <button type="button" className="button" disabled={adding} onClick={() => void again()}>
        {adding ? 'Adding…' : 'Put these items back in your bag'}
      </button>
    </div>
  );
}
