import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures of the local gateway: `x-gateway-signature: t=<unix seconds>,v1=<hex>`, where
 * v1 is HMAC-SHA256 of `<t>.<raw body>` under the shared webhook secret. The timestamp is signed with
 * the body, so a captured request cannot be replayed once the tolerance has passed.
 */
export const signatureHeader = 'x-gateway-signature';
export const signatureToleranceSeconds = 300;

const hmac = (secret: string, timestamp: number, body: string | Buffer) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

export function signPayload(secret: string, body: string, timestamp = unixNow()): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export class InvalidSignature extends Error {}

/** Throws InvalidSignature unless one v1 matches the body and the timestamp is within tolerance. */
export function verifySignature(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
  now = unixNow(),
  toleranceSeconds = signatureToleranceSeconds,
): void {
  if (!header) throw new InvalidSignature('The signature header is missing.');
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!Number.isInteger(timestamp) || signatures.length === 0) {
    throw new InvalidSignature('The signature header is malformed.');
  }
  if (Math.abs(now - timestamp) > toleranceSeconds) {
    throw new InvalidSignature('The signature is too old or from the future.');
  }
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    // Equal lengths first: timingSafeEqual throws otherwise, and the length is not a secret.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new InvalidSignature('The signature does not match.');
}

export const unixNow = () => Math.floor(Date.now() / 1000);
