/**
 * The payments module's public surface: what other modules, the app and their tests may import. The
 * rest of this folder is its own (the dependency rule in `server/.dependency-cruiser.mjs`).
 */
export { createPaymentsModule, paymentsModule, type PaymentsModuleOptions } from './module.js';
export type { PaymentService } from './service.js';
export {
  paymentCanceled,
  paymentDisputed,
  paymentEventUnmatched,
  paymentFailed,
  paymentProcessing,
  paymentSucceeded,
  refundFailed,
  refundSucceeded,
} from './events.js';
/** The provider port, and the local gateway's client (the gateway's own tests drive it). */
export {
  InvalidWebhook,
  ProviderRefused,
  ProviderUnavailable,
  type PaymentProvider,
} from './provider.js';
export { gatewayOverHttp } from './local.js';
/** The states of a payment, a refund and a dispute, which orders show. */
export { disputeStatuses, paymentStatuses, refundStatuses } from './statuses.js';
