import { api, call, type Order, type OrderAddress } from '../../api/client';
import { rememberOrderToken } from '../orders/orderAccess';

export interface OrderRequest {
  cartId: string;
  email: string;
  shippingAddress: OrderAddress;
  shippingMethodId: string;
}

/**
 * POST /api/v1/orders: the server prices the bag, reserves it and opens the payment. The key is one
 * per attempt, so a double submit or a retry after a lost answer never makes two orders.
 */
export async function placeOrder(body: OrderRequest, idempotencyKey: string): Promise<Order> {
  const order = await call(
    api.POST('/api/v1/orders', { params: { header: { 'idempotency-key': idempotencyKey } }, body }),
  );
  rememberOrderToken(order.id, order.accessToken);
  return order;
}
