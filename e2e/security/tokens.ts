import { createHmac, randomBytes } from 'node:crypto';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

/** An HS256 token over `body`, signed with `key`. */
export function signToken(body: object, key: string): string {
  const content = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(body)}`;
  return `${content}.${createHmac('sha256', key).update(content).digest('base64url')}`;
}

/**
 * Tokens an attacker could make from customer A's real token (and B's), each of which the store
 * must refuse with 401. `secret` is the store's own key: some are correctly signed, and must still
 * be refused for what they claim.
 */
export function tamperedTokens(
  a: { token: string; id: string },
  b: { token: string },
  secret: string,
): Record<string, string> {
  const [header, , signature] = a.token.split('.');
  const claims = claimsOf(a.token);
  const now = Math.floor(Date.now() / 1000);
  return {
    'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, role: 'admin' })}.`,
    'payload changed (role admin), signature kept': `${header}.${encode({ ...claims, role: 'admin' })}.${signature}`,
    'signed with another key': signToken(
      { ...claims, role: 'admin' },
      randomBytes(32).toString('hex'),
    ),
    'no exp': signToken({ sub: claims.sub, sid: claims.sid, role: 'customer', iat: now }, secret),
    expired: signToken({ ...claims, iat: now - 3600, exp: now - 1800 }, secret),
    "customer B's session under A's id": signToken({ ...claimsOf(b.token), sub: a.id }, secret),
  };
}

/** A's real session with `role: admin` written into the claims: the live account's role decides. */
export function forgedAdminClaim(a: { token: string }, secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ ...claimsOf(a.token), role: 'admin', iat: now, exp: now + 600 }, secret);
}
