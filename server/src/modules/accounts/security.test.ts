import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import { describeEachBackend } from '../../../test/harness.js';
import { ensureAdmin } from './bootstrap.js';
import { accountsKit, bearer, strongPassword, uniqueEmail } from '../../../test/kits/accounts.js';

describeEachBackend('accounts: bad input and secrets on %s backends', (backend) => {
  const { ctx, post, get, register } = accountsKit(backend);

  describe('bad input and secrets', () => {
    it('answers malformed JSON and wrong types with 400 problems', async () => {
      const malformed = await ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": "a@b.c", ',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.headers['content-type']).toContain('application/problem+json');
      expect(malformed.json()).toMatchObject({ code: 'malformed_json' });
      const wrongType = await post('/auth/login', { email: 42, password: ['x'] });
      expect(wrongType.statusCode).toBe(400);
      expect(wrongType.json().errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining(['body.email', 'body.password']),
      );
    });

    it('answers NUL characters with 400, never 500', async () => {
      const { accessToken } = await register();
      const name = await post('/auth/register', {
        email: uniqueEmail(),
        password: strongPassword,
        firstName: 'A\u0000B',
        lastName: 'C',
      });
      expect(name.statusCode).toBe(400);
      const patch = await ctx.store.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: bearer(accessToken),
        payload: { lastName: 'x\u0000' },
      });
      expect(patch.statusCode).toBe(400);
      const search = await ctx.store.app.inject({ method: 'GET', url: '/api/v1/products?q=a%00b' });
      expect(search.statusCode).toBe(400);
      const size = await ctx.store.app.inject({ method: 'GET', url: '/api/v1/products?size=M%00' });
      expect(size.statusCode).toBe(400);
      expect(size.headers['content-type']).toContain('application/problem+json');
    });

    it('accepts the bearer scheme in any case', async () => {
      const { accessToken } = await register();
      const response = await ctx.store.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `bearer ${accessToken}` },
      });
      expect(response.statusCode).toBe(200);
    });

    it('signs out by refresh token when the access token is gone, and clears the cookie', async () => {
      const { refreshToken, accessToken } = await register();
      const response = await ctx.store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        cookies: { stride_refresh: refreshToken },
      });
      expect(response.statusCode).toBe(204);
      const cleared = response.cookies.find((c) => c.name === 'stride_refresh');
      expect(cleared?.value).toBe('');
      expect((await post('/auth/refresh', { refreshToken })).statusCode).toBe(401);
      expect((await get('/me', accessToken)).statusCode).toBe(401);
      expect((await post('/auth/logout')).statusCode).toBe(401);
    });

    it('never makes an existing customer the administrator through ADMIN_EMAIL', async () => {
      const { email, user } = await register();
      expect(await ensureAdmin(ctx.store.adapters.database.db, email, 'some admin password')).toBe(
        'taken_by_customer',
      );
      const [row] = await queryRows<{ role: string }>(
        ctx.store.adapters.database.db,
        sql`SELECT role FROM users WHERE id = ${user.id}::uuid`,
      );
      expect(row?.role).toBe('customer');
      const adminEmail = uniqueEmail();
      expect(
        await ensureAdmin(ctx.store.adapters.database.db, adminEmail, 'some admin password'),
      ).toBe('created');
      expect(
        await ensureAdmin(ctx.store.adapters.database.db, adminEmail, 'another password!!'),
      ).toBe('exists');
      expect(
        (await post('/auth/login', { email: adminEmail, password: 'some admin password' })).json()
          .user.role,
      ).toBe('admin');
    });

    it('keeps one default address when changes race', async () => {
      const { accessToken } = await register();
      const headers = bearer(accessToken);
      const base = {
        firstName: 'A',
        lastName: 'B',
        line1: '1 Lane',
        city: 'Town',
        postalCode: '12345',
        country: 'US',
      };
      const created = await Promise.all(
        [1, 2, 3, 4].map((n) => post('/me/addresses', { ...base, line1: `${n} Lane` }, headers)),
      );
      expect(created.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
      const ids = created.map((r) => r.json().id as string);
      const raced = await Promise.all(
        ids.map((id) =>
          ctx.store.app.inject({
            method: 'PATCH',
            url: `/api/v1/me/addresses/${id}`,
            headers,
            payload: { isDefaultShipping: true },
          }),
        ),
      );
      expect(raced.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
      const list = (await get('/me/addresses', accessToken)).json().items as {
        isDefaultShipping: boolean;
      }[];
      expect(list.filter((a) => a.isDefaultShipping)).toHaveLength(1);
    });

    it('never returns a password hash', async () => {
      const { email, accessToken } = await register();
      const responses = [
        await post('/auth/login', { email, password: strongPassword }),
        await get('/me', accessToken),
        await ctx.store.app.inject({
          method: 'PATCH',
          url: '/api/v1/me',
          headers: bearer(accessToken),
          payload: { lastName: 'Z' },
        }),
      ];
      for (const response of responses)
        expect(response.body).not.toMatch(/argon2|passwordHash|password_hash/);
    });

    it('stores passwords as argon2id and refresh tokens only as hashes', async () => {
      const { user, refreshToken } = await register();
      const [row] = await queryRows<{ password_hash: string }>(
        ctx.store.adapters.database.db,
        sql`SELECT password_hash FROM users WHERE id = ${user.id}::uuid`,
      );
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      const tokens = await queryRows<{ token_hash: string }>(
        ctx.store.adapters.database.db,
        sql`SELECT token_hash FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE s.user_id = ${user.id}::uuid`,
      );
      expect(tokens).toHaveLength(1);
      expect(tokens[0]?.token_hash).not.toBe(refreshToken);
    });
  });
});
