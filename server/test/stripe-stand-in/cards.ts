/**
 * Stripe's published test cards, as far as the stand-in knows them: what confirming a PaymentIntent
 * with each one does. The numbers and the shopper-facing messages are Stripe's own; a number Stripe
 * does not publish is refused as Stripe refuses a real card in test mode.
 */
export type CardBehaviour =
  | { kind: 'succeeds'; brand: string }
  /** 3-D Secure: the stand-in's challenge in the page, as Stripe.js shows its 3DS frame. */
  | { kind: 'challenge'; brand: string; shown: 'in_page' | 'redirect' }
  | { kind: 'declines'; brand: string; declineCode: string; code: string; message: string }
  /** Accepted, settled a moment later (bank debits do this; the stand-in lets a card show it). */
  | { kind: 'processing'; brand: string };

const declines = (declineCode: string, message: string, code = 'card_declined') => ({
  kind: 'declines' as const,
  brand: 'visa',
  declineCode,
  code,
  message,
});

export const testCards: Record<string, CardBehaviour> = {
  '4242424242424242': { kind: 'succeeds', brand: 'visa' },
  '5555555555554444': { kind: 'succeeds', brand: 'mastercard' },
  '378282246310005': { kind: 'succeeds', brand: 'amex' },
  // Stripe: "requires authentication for one-time payments" and "3D Secure 2 authentication must
  // be completed". The second is challenged on a page of its own, as a bank's redirect is, so the
  // storefront's return from a redirect is tried too.
  '4000002500003155': { kind: 'challenge', brand: 'visa', shown: 'in_page' },
  '4000000000003220': { kind: 'challenge', brand: 'visa', shown: 'redirect' },
  '4000000000000002': declines('generic_decline', 'Your card was declined.'),
  '4000000000009995': declines('insufficient_funds', 'Your card has insufficient funds.'),
  '4000000000009987': declines('lost_card', 'Your card has been declined.'),
  '4000000000000069': declines('expired_card', 'Your card has expired.', 'expired_card'),
  '4000000000000127': declines(
    'incorrect_cvc',
    "Your card's security code is incorrect.",
    'incorrect_cvc',
  ),
  // Not one of Stripe's numbers: the stand-in's way to show a payment that is still processing.
  '4000000000009003': { kind: 'processing', brand: 'visa' },
};

/** The card a stand-in wallet (Link, in the stand-in's Express Checkout) pays with. */
export const walletCard = '4242424242424242';

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return number.length >= 12 && sum % 10 === 0;
}

export function behaviourOf(number: string): CardBehaviour | null {
  return testCards[number] ?? null;
}
