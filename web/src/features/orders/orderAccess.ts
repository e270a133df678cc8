/**
 * A guest reads their order with the token the API gave when it was placed. It is kept for the tab
 * (the payment page returns to the same tab) and also comes in the emailed link (`?token=`).
 */
const key = (orderId: string) => `stride.order.${orderId}`;

export function rememberOrderToken(orderId: string, token: string | undefined) {
  if (!token) return;
  try {
    sessionStorage.setItem(key(orderId), token);
  } catch {
    // Without storage the emailed link still opens the order.
  }
}

export function orderToken(orderId: string, fromUrl: string | null): string | undefined {
  if (fromUrl) return fromUrl;
  try {
    return sessionStorage.getItem(key(orderId)) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The local gateway's card page for an order awaiting payment. */
export const paymentPageUrl = (clientSecret: string) =>
  `/gateway/pay/${encodeURIComponent(clientSecret)}`;
