/**
 * The local gateway's test cards. Numbers are checked as a real processor would (digits, Luhn,
 * expiry, CVC) before any outcome is chosen; a well-formed number then decides the outcome from this
 * table, so every path of a checkout (success, each kind of decline) can be tried by hand or in a test.
 */
export interface CardOutcome {
  status: 'succeeded' | 'declined';
  /** Stable machine code of a decline. */
  declineCode?: string;
  /** What a shopper is told. */
  message?: string;
}

interface TestCard extends CardOutcome {
  brand: string;
  description: string;
}

const declined = (declineCode: string, message: string) => ({
  status: 'declined' as const,
  declineCode,
  message,
});

export const testCards: Record<string, TestCard> = {
  '4242424242424242': { brand: 'Visa', description: 'Succeeds', status: 'succeeded' },
  '5555555555554444': { brand: 'Mastercard', description: 'Succeeds', status: 'succeeded' },
  '378282246310005': { brand: 'American Express', description: 'Succeeds', status: 'succeeded' },
  '4000000000000002': {
    brand: 'Visa',
    description: 'Declined',
    ...declined('card_declined', 'The card was declined.'),
  },
  '4000000000009995': {
    brand: 'Visa',
    description: 'Declined: insufficient funds',
    ...declined('insufficient_funds', 'The card has insufficient funds.'),
  },
  '4000000000009987': {
    brand: 'Visa',
    description: 'Declined: lost card',
    ...declined('lost_card', 'The card was declined.'),
  },
  '4000000000000069': {
    brand: 'Visa',
    description: 'Declined: expired card',
    ...declined('expired_card', 'The card has expired.'),
  },
  '4000000000000127': {
    brand: 'Visa',
    description: 'Declined: incorrect CVC',
    ...declined('incorrect_cvc', "The card's security code is incorrect."),
  },
  '4000000000000119': {
    brand: 'Visa',
    description: 'Declined: processing error',
    ...declined('processing_error', 'The card could not be processed; try again.'),
  },
};

/** A well-formed number that is not in the table: refused as a real test environment would. */
const unknownCard = declined(
  'card_not_supported',
  'Only the test cards listed on the payment page are accepted.',
);

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface CardInput {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** A field the card form must correct; nothing is charged. */
export interface CardProblem {
  field: 'cardNumber' | 'expMonth' | 'expYear' | 'cvc';
  code: string;
  message: string;
}

export function checkCard(card: CardInput, now = new Date()): CardProblem | null {
  const digits = card.cardNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) {
    return { field: 'cardNumber', code: 'invalid_number', message: 'Enter the card number.' };
  }
  if (!luhnValid(digits)) {
    return {
      field: 'cardNumber',
      code: 'invalid_number',
      message: 'The card number is not valid.',
    };
  }
  if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) {
    return { field: 'expMonth', code: 'invalid_expiry', message: 'The expiry month is not valid.' };
  }
  const year = card.expYear < 100 ? 2000 + card.expYear : card.expYear;
  // A card is good through the last day of its expiry month.
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (!Number.isInteger(year) || year * 12 + card.expMonth - 1 < thisMonth) {
    return { field: 'expYear', code: 'card_expired', message: 'The card has expired.' };
  }
  if (year > now.getUTCFullYear() + 20) {
    return { field: 'expYear', code: 'invalid_expiry', message: 'The expiry year is not valid.' };
  }
  const cvcLength = testCards[digits]?.brand === 'American Express' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(card.cvc)) {
    return { field: 'cvc', code: 'invalid_cvc', message: `Enter the ${cvcLength}-digit code.` };
  }
  return null;
}

/** The outcome of a well-formed card, and how it is shown afterwards ("Visa ending in 4242"). */
export function outcomeOf(cardNumber: string): CardOutcome & { brand: string; last4: string } {
  const digits = cardNumber.replace(/[\s-]/g, '');
  const card = testCards[digits];
  const last4 = digits.slice(-4);
  if (!card) return { ...unknownCard, brand: 'Card', last4 };
  const { description: _description, ...outcome } = card;
  return { ...outcome, last4 };
}
