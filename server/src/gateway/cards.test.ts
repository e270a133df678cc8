import { describe, expect, it } from 'vitest';
import { checkCard, luhnValid, outcomeOf, testCards } from './cards.js';
import { InvalidSignature, signPayload, verifySignature } from './signature.js';

const now = new Date('2026-11-27T12:00:00Z');
const card = { cardNumber: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

describe('the local gateway: cards', () => {
  it('knows every listed test card as Luhn-valid and gives each its documented outcome', () => {
    for (const [number, expected] of Object.entries(testCards)) {
      expect(luhnValid(number), number).toBe(true);
      expect(outcomeOf(number)).toMatchObject({ status: expected.status, brand: expected.brand });
    }
    expect(outcomeOf('4242 4242 4242 4242')).toMatchObject({ status: 'succeeded', last4: '4242' });
    expect(outcomeOf('4000000000000002')).toMatchObject({
      status: 'declined',
      declineCode: 'card_declined',
    });
    expect(outcomeOf('4000000000009995')).toMatchObject({ declineCode: 'insufficient_funds' });
    // Well-formed but not a test card: refused, never silently accepted.
    expect(outcomeOf('4111111111111111')).toMatchObject({
      status: 'declined',
      declineCode: 'card_not_supported',
    });
  });

  it('refuses malformed numbers, past expiry and bad security codes before charging', () => {
    expect(checkCard(card, now)).toBeNull();
    expect(checkCard({ ...card, cardNumber: '4242424242424241' }, now)).toMatchObject({
      field: 'cardNumber',
      code: 'invalid_number',
    });
    expect(checkCard({ ...card, cardNumber: 'abcd' }, now)?.field).toBe('cardNumber');
    expect(checkCard({ ...card, expMonth: 13 }, now)?.code).toBe('invalid_expiry');
    expect(checkCard({ ...card, expMonth: 10, expYear: 2026 }, now)?.code).toBe('card_expired');
    // Good through the last day of the expiry month.
    expect(checkCard({ ...card, expMonth: 11, expYear: 2026 }, now)).toBeNull();
    expect(checkCard({ ...card, expMonth: 11, expYear: 26 }, now)).toBeNull();
    expect(checkCard({ ...card, expYear: 2099 }, now)?.code).toBe('invalid_expiry');
    expect(checkCard({ ...card, cvc: '12' }, now)?.code).toBe('invalid_cvc');
    expect(checkCard({ ...card, cardNumber: '378282246310005', cvc: '123' }, now)?.code).toBe(
      'invalid_cvc',
    );
    expect(checkCard({ ...card, cardNumber: '378282246310005', cvc: '1234' }, now)).toBeNull();
  });
});

describe('the local gateway: webhook signatures', () => {
  const secret = 'whsec-local-0123456789abcdef0123';
  const body = '{"id":"evt_1"}';

  it('accepts its own signature within five minutes either way', () => {
    const t = 1_800_000_000;
    expect(() =>
      verifySignature(secret, body, signPayload(secret, body, t), t + 299),
    ).not.toThrow();
    expect(() =>
      verifySignature(secret, body, signPayload(secret, body, t), t - 299),
    ).not.toThrow();
    // Several v1 values (a secret being rolled): one match is enough.
    const header = `${signPayload(secret, body, t)},v1=${'0'.repeat(64)}`;
    expect(() => verifySignature(secret, Buffer.from(body), header, t)).not.toThrow();
  });

  it('refuses another secret, another body, an old or future timestamp, and malformed headers', () => {
    const t = 1_800_000_000;
    const cases: [string | undefined, string][] = [
      [signPayload('another-secret-0123456789abcdef', body, t), body],
      [signPayload(secret, body, t), '{"id":"evt_2"}'],
      [signPayload(secret, body, t - 301), body],
      [signPayload(secret, body, t + 301), body],
      [undefined, body],
      ['t=abc,v1=00', body],
      [`t=${t}`, body],
      [`t=${t},v1=zz`, body],
      [`t=${t},v1=${signPayload(secret, body, t).split('v1=')[1]?.slice(0, 10)}`, body],
    ];
    for (const [header, signedBody] of cases) {
      expect(() => verifySignature(secret, signedBody, header, t), header).toThrow(
        InvalidSignature,
      );
    }
  });
});
