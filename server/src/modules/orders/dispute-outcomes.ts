import type { TxContext } from '../../platform/context.js';
import { NotFound } from '../../platform/errors.js';
import type { paymentDisputed } from '../payments/index.js';
import { note, tellStoreTeam } from './moves.js';
import * as repository from './repository.js';

type Dispute = typeof paymentDisputed.schema._output;

/**
 * A disputed payment (a chargeback) on an order: noted on its timeline and emailed to the store
 * team (`storeTeam`: see storeTeamEmail), when opened and when settled. The order's status does
 * not change: the goods may have shipped, and what to do is the store team's call.
 */
export function createDisputeOutcomes(deps: { storeTeam: string | null }) {
  return {
    async applyDispute(ctx: TxContext, data: Dispute) {
      const row = await repository.findOrder(ctx.tx, data.orderId, true);
      if (!row) throw new NotFound('No such order.');
      const money = `${data.amount.amount} ${data.amount.currency}`;
      await note(
        ctx,
        row,
        'system',
        data.status === 'open'
          ? `payment disputed by the buyer's bank (${data.reason}, ${money})`
          : `dispute ${data.status === 'closed' ? 'closed' : data.status} (${money})`,
      );
      await tellStoreTeam(ctx, deps.storeTeam, row, 'payment_disputed', {
        amount: data.amount,
        reason: data.reason.slice(0, 100),
        status: data.status,
      });
    },
  };
}

export type DisputeOutcomes = ReturnType<typeof createDisputeOutcomes>;
