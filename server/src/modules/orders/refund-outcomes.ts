import { writeEvent } from '../../platform/bus/outbox.js';
import type { TxContext } from '../../platform/context.js';
import { NotFound } from '../../platform/errors.js';
import { sendEmail } from '../../platform/email-request.js';
import type { refundFailed, refundSucceeded } from '../payments/index.js';
import { move, note, tellStoreTeam } from './moves.js';
import * as repository from './repository.js';
import { canTransition, refundableStatuses, type OrderStatus } from './status.js';
import type { Money } from '../../platform/money.js';

type RefundSuccess = typeof refundSucceeded.schema._output;
type RefundFailure = typeof refundFailed.schema._output;

const described = (data: { amount: Money }) =>
  `refund of ${data.amount.amount} ${data.amount.currency}`;

/**
 * What a refund's outcome does to its order, applied by the orders module's consumers under the
 * order's row lock (in their inbox transaction). Only money the provider actually gave back moves
 * an order to `partially_refunded` or `refunded` and emails the shopper; a refusal is noted on the
 * timeline and told to the store team (`storeTeam`: see storeTeamEmail), never to the shopper.
 */
export function createRefundOutcomes(deps: { storeTeam: string | null }) {
  const locked = async (ctx: TxContext, orderId: string) => {
    const row = await repository.findOrder(ctx.tx, orderId, true);
    if (!row) throw new NotFound('No such order.');
    return row;
  };

  return {
    async applyRefundSucceeded(ctx: TxContext, data: RefundSuccess) {
      const row = await locked(ctx, data.orderId);
      const made = `${described(data)} made`;
      const to: OrderStatus = data.full ? 'refunded' : 'partially_refunded';
      // A cancelled order (its own refund, or a late payment's) keeps its status; a paid one moves.
      if (refundableStatuses.includes(row.status) && canTransition(row.status, to)) {
        await move(ctx, row, to, 'system', made);
      } else {
        await note(ctx, row, 'system', made);
      }
      // A cancelled paid order's email already said its money is on its way back.
      if (data.reason === 'cancelled') return;
      await writeEvent(ctx.tx, sendEmail, {
        to: row.email,
        template: 'order_refunded',
        data: {
          orderId: row.id,
          number: row.number,
          testMode: row.testMode,
          amount: data.amount,
          full: data.full,
        },
      });
    },

    async applyRefundFailed(ctx: TxContext, data: RefundFailure) {
      const row = await locked(ctx, data.orderId);
      await note(ctx, row, 'system', `${described(data)} refused: ${data.failureReason}`);
      await tellStoreTeam(ctx, deps.storeTeam, row, 'refund_failed', {
        amount: data.amount,
        reason: data.reason,
        failureReason: data.failureReason.slice(0, 500),
      });
    },
  };
}

export type RefundOutcomes = ReturnType<typeof createRefundOutcomes>;
