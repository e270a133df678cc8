import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/problem.js';
import { shopperOrigin } from '../../platform/http/shopper-origin.js';
import type { Checkout } from './checkout.js';
import {
  adminListOrdersQuery,
  adminOrderSchema,
  fulfilBody,
  idempotencyHeaders,
  listOrdersQuery,
  orderListSchema,
  orderParams,
  orderSchema,
  orderTokenQuery,
  placeOrderBody,
  refundBody,
} from './schemas.js';
import type { OrderService } from './service.js';

export async function orderRoutes(
  app: FastifyInstance,
  options: { checkout: Checkout; orders: OrderService; ordersPerMinute: number },
) {
  const { checkout, orders } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['orders'];

  typed.post(
    '/orders',
    {
      config: {
        auth: 'optional',
        rateLimit: { max: options.ordersPerMinute, timeWindow: 60_000 },
      },
      schema: {
        tags,
        operationId: 'placeOrder',
        summary: 'Place an order from a cart; its stock is reserved until payment',
        description:
          'Requires an `Idempotency-Key` header: a retry with the same key and body returns the first answer (with `Idempotent-Replayed: true`), never a second order; the same key with another body is 409 `idempotency_key_reused`. Prices come from the catalog, never from the client. 409 `insufficient_stock` lists the lines that fall short; nothing is reserved then. Guests get an `accessToken` to read the order later.',
        headers: idempotencyHeaders,
        body: placeOrderBody,
        response: { 201: orderSchema, ...problemResponses(400, 404, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const placed = await checkout.place(
        contextOf(request),
        request.body,
        request.headers['idempotency-key'],
        shopperOrigin(request),
      );
      if (placed.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(placed.order);
    },
  );

  typed.get(
    '/orders',
    {
      config: { auth: 'customer' },
      schema: {
        tags,
        operationId: 'listMyOrders',
        summary: 'Your orders, newest first',
        querystring: listOrdersQuery,
        response: { 200: orderListSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => orders.listOwn(contextOf(request), request.query),
  );

  typed.get(
    '/orders/:id',
    {
      config: { auth: 'optional' },
      schema: {
        tags,
        operationId: 'getOrder',
        summary: 'An order: its owner, a guest with its token (`?token=`), or an admin',
        params: orderParams,
        querystring: orderTokenQuery,
        response: { 200: orderSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) =>
      orders.get(
        contextOf(request),
        request.params.id,
        request.query.token,
        shopperOrigin(request),
      ),
  );

  typed.post(
    '/orders/:id/cancel',
    {
      config: { auth: 'optional' },
      schema: {
        tags,
        operationId: 'cancelOrder',
        summary: 'Cancel an order that is awaiting payment or paid; its stock is released',
        description:
          'The owner, a guest with the order’s token (`?token=`), or an admin. Any other status is 409 `invalid_transition`.',
        params: orderParams,
        querystring: orderTokenQuery,
        response: { 200: orderSchema, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request) => orders.cancel(contextOf(request), request.params.id, request.query.token),
  );

  const admin = { config: { auth: 'admin' as const } };
  const adminTags = ['admin'];

  typed.get(
    '/admin/orders',
    {
      ...admin,
      schema: {
        tags: adminTags,
        operationId: 'adminListOrders',
        summary: 'Orders, newest first, filtered by status, date, email or number',
        querystring: adminListOrdersQuery,
        response: { 200: orderListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => orders.adminList(contextOf(request), request.query),
  );

  typed.get(
    '/admin/orders/:id',
    {
      ...admin,
      schema: {
        tags: adminTags,
        operationId: 'adminGetOrder',
        summary: 'An order with its customer and its timeline',
        params: orderParams,
        response: { 200: adminOrderSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => orders.adminGet(contextOf(request), request.params.id),
  );

  typed.post(
    '/admin/orders/:id/fulfil',
    {
      ...admin,
      schema: {
        tags: adminTags,
        operationId: 'adminFulfilOrder',
        summary: 'Mark a paid order shipped, with its carrier and tracking number',
        params: orderParams,
        body: fulfilBody,
        response: { 200: orderSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => orders.fulfil(contextOf(request), request.params.id, request.body),
  );

  typed.post(
    '/admin/orders/:id/deliver',
    {
      ...admin,
      schema: {
        tags: adminTags,
        operationId: 'adminMarkOrderDelivered',
        summary: 'Mark a shipped order delivered',
        params: orderParams,
        response: { 200: orderSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => orders.markDelivered(contextOf(request), request.params.id),
  );

  typed.post(
    '/admin/orders/:id/cancel',
    {
      ...admin,
      schema: {
        tags: adminTags,
        operationId: 'adminCancelOrder',
        summary: 'Cancel an order awaiting payment or paid; its stock is released',
        params: orderParams,
        response: { 200: orderSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => orders.cancel(contextOf(request), request.params.id),
  );

  typed.post(
    '/admin/orders/:id/refund',
    {
      ...admin,
      schema: {
        tags: adminTags,
        operationId: 'adminRefundOrder',
        summary: 'Refund a paid order in full or in part, through its payment provider',
        description:
          'Never more than was paid, less what was refunded and what refunds still pending will take (422 `refund_exceeds_payment`; 409 `refund_pending` when the rest is being refunded). The refund is recorded `pending` and the provider asked right after; only when it has made the refund does the order become `refunded` or `partially_refunded` and the customer get an email. A provider that cannot be reached is asked again until it answers; one that refuses marks the refund `failed` with its reason (`failureReason`), notes it on the timeline and emails the store team.',
        params: orderParams,
        body: refundBody,
        response: { 200: adminOrderSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => orders.refund(contextOf(request), request.params.id, request.body.amount),
  );
}
