import type { TxContext } from '../../platform/context.js';
import type { paymentCanceled, paymentProcessing, PaymentService } from '../payments/index.js';
import { note } from './moves.js';
import * as repository from './repository.js';

type PaymentProcessing = typeof paymentProcessing.schema._output;
type PaymentCanceled = typeof paymentCanceled.schema._output;

/**
 * The provider's word on a payment that is neither paid nor declined, applied by the orders
 * module's consumers under the order's row lock (in their inbox transaction): under way
 * (`processing`), or cancelled at the provider, which closes an order still awaiting it as the
 * expiry would. Applied to an order that no longer awaits payment, they change nothing.
 */
export function createPaymentUpdates(deps: {
  payments: Pick<PaymentService, 'recordProcessing'>;
  /** Cancel an order awaiting payment: stock released, discount given back, its event written. */
  cancelUnpaid: (ctx: TxContext, row: repository.OrderRow) => Promise<void>;
}) {
  return {
    /** The payment is under way: the order, still awaiting it, says so. */
    async applyPaymentProcessing(ctx: TxContext, data: PaymentProcessing): Promise<boolean> {
      const row = await repository.findOrder(ctx.tx, data.orderId, true);
      if (row?.status !== 'pending_payment') return false;
      if (!(await deps.payments.recordProcessing(ctx, row.id))) return false;
      await note(ctx, row, 'system', 'payment processing at the provider');
      return true;
    },

    /**
     * The intent was cancelled at the provider. An order still awaiting it is cancelled (its stock
     * released); one the store cancelled already (the customer, the admin, the expiry, whose
     * cancellation of the intent this may be the echo of) is left as it is.
     */
    async applyPaymentCanceled(ctx: TxContext, data: PaymentCanceled): Promise<boolean> {
      const row = await repository.findOrder(ctx.tx, data.orderId, true);
      if (row?.status !== 'pending_payment') return false;
      await deps.cancelUnpaid(ctx, row);
      return true;
    },
  };
}
