import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses as problems } from '../../platform/http/problem.js';
import {
  addItemBody,
  cartItemParams,
  cartParams,
  cartSchema,
  discountCodeBody,
  updateItemBody,
} from './schemas.js';
import type { CartService } from './service.js';

/** Guests and signed-in shoppers alike: a token, when sent, decides whose carts answer. */
export async function cartRoutes(app: FastifyInstance, options: { cart: CartService }) {
  const { cart } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const config = { auth: 'optional' as const };
  const tags = ['cart'];

  typed.post(
    '/carts',
    {
      config,
      schema: {
        operationId: 'createCart',
        tags,
        summary: 'Start a cart',
        description:
          'A guest gets a new cart whose id is its only key. A signed-in shopper gets their cart, created if needed.',
        response: { 201: cartSchema, ...problems(401, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await cart.create(contextOf(request))),
  );

  typed.get(
    '/carts/:id',
    {
      config,
      schema: {
        operationId: 'getCart',
        tags,
        summary: 'A cart, priced from the live catalog',
        params: cartParams,
        response: { 200: cartSchema, ...problems(400, 401, 404) },
      },
    },
    async (request) => cart.get(contextOf(request), request.params.id),
  );

  typed.post(
    '/carts/:id/items',
    {
      config,
      schema: {
        operationId: 'addCartItem',
        tags,
        summary: 'Add a variant (to its existing line, if any)',
        params: cartParams,
        body: addItemBody,
        response: { 200: cartSchema, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request) => cart.addItem(contextOf(request), request.params.id, request.body),
  );

  typed.patch(
    '/carts/:id/items/:itemId',
    {
      config,
      schema: {
        operationId: 'updateCartItem',
        tags,
        summary: "Set a line's quantity; 0 removes it",
        params: cartItemParams,
        body: updateItemBody,
        response: { 200: cartSchema, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request) =>
      cart.updateItem(
        contextOf(request),
        request.params.id,
        request.params.itemId,
        request.body.quantity,
      ),
  );

  typed.delete(
    '/carts/:id/items/:itemId',
    {
      config,
      schema: {
        operationId: 'removeCartItem',
        tags,
        summary: 'Remove a line',
        params: cartItemParams,
        response: { 200: cartSchema, ...problems(400, 401, 404, 409) },
      },
    },
    async (request) =>
      cart.removeItem(contextOf(request), request.params.id, request.params.itemId),
  );

  typed.post(
    '/carts/:id/discount',
    {
      config,
      schema: {
        operationId: 'applyCartDiscount',
        tags,
        summary: 'Apply a discount code',
        description: 'A code that does not apply is 422 `invalid_discount` with a `reason`.',
        params: cartParams,
        body: discountCodeBody,
        response: { 200: cartSchema, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request) => cart.applyDiscount(contextOf(request), request.params.id, request.body.code),
  );

  typed.delete(
    '/carts/:id/discount',
    {
      config,
      schema: {
        operationId: 'removeCartDiscount',
        tags,
        summary: 'Remove the discount code',
        params: cartParams,
        response: { 200: cartSchema, ...problems(400, 401, 404, 409) },
      },
    },
    async (request) => cart.removeDiscount(contextOf(request), request.params.id),
  );
}
