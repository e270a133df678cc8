import { describe, expect, it } from 'vitest';
import type { RedisCache } from '../../platform/cache/redis.js';
import { describeEachBackend, servicesConfigured, eventually } from '../../../test/harness.js';
import { accountsKit, strongPassword, uniqueEmail } from '../../../test/kits/accounts.js';

describeEachBackend('accounts: rate limits on %s backends', (backend) => {
  const accountsKitHelpers = accountsKit(backend, {
    AUTH_RATE_LIMIT: '20',
    LOGIN_FAILURE_LIMIT: '10',
  });
  const { ctx } = accountsKitHelpers;

  const { resetEmails, tokenOf } = accountsKitHelpers;
  const login = (email: string, password: string, remoteAddress: string) =>
    ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      payload: { email, password },
    });
  /** An account whose owner signed up from `ownerAddress`. */
  async function account(ownerAddress: string) {
    const email = uniqueEmail();
    const created = await ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      remoteAddress: ownerAddress,
      payload: { email, password: strongPassword, firstName: 'A', lastName: 'B' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return email;
  }
  const count = (responses: { statusCode: number }[], status: number) =>
    responses.filter((r) => r.statusCode === status).length;

  it('stops one address guessing an account, and the owner still signs in from elsewhere', async () => {
    const email = await account('10.9.0.1');
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof login>> | undefined;
    for (let i = 0; i < 15; i++) {
      const response = await login(email, `wrong password ${i}`, '10.66.0.1');
      statuses.push(response.statusCode);
      if (response.statusCode === 429) limited ??= response;
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(limited?.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // That address waits even with the right password...
    expect((await login(email, strongPassword, '10.66.0.1')).statusCode).toBe(429);
    // ...but the owner is not locked out: from their own device, or from a new one.
    expect((await login(email, strongPassword, '10.9.0.1')).statusCode).toBe(200);
    expect((await login(email, strongPassword, '10.9.0.2')).statusCode).toBe(200);
  });

  it('slows a botnet guessing from many addresses to a trickle, while the owner gets in', async () => {
    const email = await account('10.8.0.1');
    // 60 guesses at once from 60 addresses. Counted before the slow password hash: had the check
    // come after it, all 60 would have been tried. 20 go through, then one per growing delay.
    const many = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(email, `wrong password ${i}`, `10.2.${i}.1`)),
    );
    expect(count(many, 401)).toBeGreaterThanOrEqual(21);
    expect(count(many, 401)).toBeLessThanOrEqual(23);
    expect(count(many, 429) + count(many, 401)).toBe(60);
    const refused = many.find((r) => r.statusCode === 429);
    expect(refused?.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);

    // The attacker's next guesses from fresh addresses wait their turn.
    const next = await Promise.all(
      Array.from({ length: 5 }, (_, i) => login(email, `guess ${i}`, `10.3.${i}.1`)),
    );
    expect(count(next, 429)).toBeGreaterThanOrEqual(4);
    // The owner, from the address they signed up from, is let through at once.
    expect((await login(email, strongPassword, '10.8.0.1')).statusCode).toBe(200);
    // From a new address they would wait too; a completed password reset lets that address in.
    expect((await login(email, strongPassword, '10.8.0.9')).statusCode).toBe(429);
    const asked = await ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      remoteAddress: '10.8.0.9',
      payload: { email },
    });
    expect(asked.statusCode).toBe(202);
    await eventually(async () => (await resetEmails(email)).length === 1);
    const [reset] = await resetEmails(email);
    const token = tokenOf(reset?.payload.data.resetId as string);
    const confirmed = await ctx.store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      remoteAddress: '10.8.0.9',
      payload: { token, password: 'a fresh passphrase 2026' },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    expect((await login(email, 'a fresh passphrase 2026', '10.8.0.9')).statusCode).toBe(200);
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

describe.runIf(servicesConfigured)('accounts: where rate-limit counters live', () => {
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
