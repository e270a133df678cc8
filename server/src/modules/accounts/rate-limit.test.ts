import { describe, expect, it } from 'vitest';
import type { RedisCache } from '../../platform/cache/redis.js';
import { backends } from '../../../test/harness.js';
import { accountsKit, strongPassword, uniqueEmail } from './test-kit.js';

describe.each(backends())('accounts: rate limits on %s backends', (backend) => {
  const { ctx } = accountsKit(backend, { AUTH_RATE_LIMIT: '20', LOGIN_FAILURE_LIMIT: '10' });

  it('limits 30 failed logins in a row with 429 rate_limited and Retry-After', async () => {
    const email = uniqueEmail();
    await ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: strongPassword, firstName: 'A', lastName: 'B' },
    });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof ctx.store.app.inject>> | undefined;
    for (let i = 0; i < 30; i++) {
      const response = await ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: `wrong password ${i}` },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) limited ??= response;
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(limited?.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // Locked out means locked out: the right password waits too.
    const right = await ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: strongPassword },
    });
    expect(right.statusCode).toBe(429);
  });

  it('counts parallel guesses before checking them, so none slip past the limit', async () => {
    const email = uniqueEmail();
    await ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: strongPassword, firstName: 'A', lastName: 'B' },
    });
    const guess = (i: number, remoteAddress: string) =>
      ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        payload: { email, password: `wrong password ${i}` },
      });
    const count = (responses: { statusCode: number }[], status: number) =>
      responses.filter((r) => r.statusCode === status).length;

    // From many addresses at once: the account as a whole allows 5 × 10 attempts, then every address
    // waits. Had the check come after the slow password hash, all 60 would have been tried.
    const many = await Promise.all(Array.from({ length: 60 }, (_, i) => guess(i, `10.2.${i}.1`)));
    expect(count(many, 401)).toBe(50);
    expect(count(many, 429)).toBe(10);
  });

  it('limits password change attempts per account, from any address', async () => {
    const email = uniqueEmail();
    const registered = await ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      remoteAddress: '10.3.0.1',
      payload: { email, password: strongPassword, firstName: 'A', lastName: 'B' },
    });
    const { accessToken } = registered.json() as { accessToken: string };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        remoteAddress: `10.3.${i}.9`,
        headers: { authorization: `Bearer ${accessToken}` },
        payload: { currentPassword: `guess number ${i}`, newPassword: 'a brand new passphrase' },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 403)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('lets exactly the limit through when requests from one address arrive at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        ctx.store.app.inject({
          method: 'POST',
          url: '/api/v1/auth/password-reset',
          remoteAddress: '10.4.0.1',
          payload: { email: uniqueEmail() },
        }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 202)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  });

  it('limits requests per IP across accounts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const response = await ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        remoteAddress: '10.9.8.7',
        payload: { email: uniqueEmail() },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });
});

if (backends().includes('services')) {
  describe('accounts: where rate-limit counters live', () => {
    const { ctx } = accountsKit('services', { AUTH_RATE_LIMIT: '20' });

    it('keeps per-route counters under the rate-limit prefix in Redis', async () => {
      await ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        payload: { email: uniqueEmail() },
      });
      const { client } = ctx.store.adapters.cache as RedisCache;
      // The client adds the test's key prefix itself; KEYS patterns see the whole key.
      const keys = await client.keys(`${client.options.keyPrefix ?? ''}*`);
      const counters = keys.filter((key) => key.includes('/api/v1/auth/password-reset'));
      expect(counters).not.toHaveLength(0);
      for (const key of counters) {
        expect(key).toContain('rate-limit:POST/api/v1/auth/password-reset:');
        expect(key).not.toContain('[object Object]');
      }
    });
  });
}
