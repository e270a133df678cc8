import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSigner } from 'fast-jwt';
import { describeEachBackend, testJwtSecret } from '../../../test/harness.js';
import {
  accountsKit,
  bearer,
  strongPassword,
  uniqueEmail,
  type AuthResult,
} from '../../../test/kits/accounts.js';

describeEachBackend(
  'accounts: sign-up, sign-in, refresh and sign-out on %s backends',
  (backend) => {
    const { ctx, post, get, register } = accountsKit(backend);

    describe('sign-up, sign-in, refresh, sign-out', () => {
      it('runs register → login → refresh → reuse detection → logout', async () => {
        const email = uniqueEmail();
        const registered = await register(`  ${email.toUpperCase()} `);
        expect(registered.user).toMatchObject({ email, role: 'customer' });
        expect(registered.expiresIn).toBe(900);

        const login = await post('/auth/login', {
          email: email.toUpperCase(),
          password: strongPassword,
        });
        expect(login.statusCode).toBe(200);
        const session = login.json() as AuthResult;
        expect((await get('/me', session.accessToken)).json()).toMatchObject({
          email,
          firstName: 'Ada',
        });

        const refreshed = await post('/auth/refresh', { refreshToken: session.refreshToken });
        expect(refreshed.statusCode).toBe(200);
        const rotated = refreshed.json() as AuthResult;
        expect(rotated.refreshToken).not.toBe(session.refreshToken);
        expect((await get('/me', rotated.accessToken)).statusCode).toBe(200);

        // The old refresh token again: theft is assumed, the whole family ends.
        const reused = await post('/auth/refresh', { refreshToken: session.refreshToken });
        expect(reused.statusCode).toBe(401);
        expect(
          (await post('/auth/refresh', { refreshToken: rotated.refreshToken })).statusCode,
        ).toBe(401);
        expect((await get('/me', rotated.accessToken)).statusCode).toBe(401);
        expect((await get('/me', session.accessToken)).statusCode).toBe(401);

        // The registration session is another family and still works, until it signs out.
        expect((await get('/me', registered.accessToken)).statusCode).toBe(200);
        const logout = await post('/auth/logout', undefined, bearer(registered.accessToken));
        expect(logout.statusCode).toBe(204);
        expect((await get('/me', registered.accessToken)).statusCode).toBe(401);
        expect(
          (await post('/auth/refresh', { refreshToken: registered.refreshToken })).statusCode,
        ).toBe(401);
      });

      it('sets the refresh token as an httpOnly, SameSite=Strict cookie and accepts it on refresh', async () => {
        const email = uniqueEmail();
        const response = await post('/auth/register', {
          email,
          password: strongPassword,
          firstName: 'Kim',
          lastName: 'Lee',
        });
        const cookie = response.cookies.find((c) => c.name === 'stride_refresh');
        expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
        const refreshed = await ctx.store.app.inject({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          cookies: { stride_refresh: cookie?.value as string },
        });
        expect(refreshed.statusCode).toBe(200);
        expect(refreshed.cookies.find((c) => c.name === 'stride_refresh')?.value).not.toBe(
          cookie?.value,
        );
        const secure = await ctx.store.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { host: 'shop.example.com' },
          payload: { email, password: strongPassword },
        });
        expect(secure.cookies.find((c) => c.name === 'stride_refresh')?.secure).toBe(true);
      });

      it('refuses a taken email, case-insensitively', async () => {
        const { email } = await register();
        const again = await post('/auth/register', {
          email: email.toUpperCase(),
          password: strongPassword,
          firstName: 'A',
          lastName: 'B',
        });
        expect(again.statusCode).toBe(409);
        expect(again.json()).toMatchObject({ code: 'email_taken' });
      });

      it('refuses weak passwords with a field problem', async () => {
        for (const password of ['short', 'password1234', 'aaaaaaaaaaaa']) {
          const response = await post('/auth/register', {
            email: uniqueEmail(),
            password,
            firstName: 'A',
            lastName: 'B',
          });
          expect(response.statusCode).toBe(400);
          expect(response.json()).toMatchObject({
            code: 'validation_failed',
            errors: [{ path: 'body.password' }],
          });
        }
      });

      it('answers an unknown email and a wrong password the same way', async () => {
        const { email } = await register();
        const wrong = await post('/auth/login', { email, password: 'not the password at all' });
        const unknown = await post('/auth/login', {
          email: uniqueEmail(),
          password: 'not the password at all',
        });
        expect(wrong.statusCode).toBe(401);
        expect(unknown.statusCode).toBe(401);
        expect(wrong.json()).toEqual(unknown.json());
        expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
      });
    });
    describe('access tokens', () => {
      const forge = (claims: object, key = testJwtSecret, options: object = {}) =>
        createSigner({ key, algorithm: 'HS256', expiresIn: 60_000, ...options })(claims);

      it('rejects alg none, a forged role, an expired token and another key with 401', async () => {
        const { user, accessToken } = await register();
        const [, payload] = accessToken.split('.');
        const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<
          string,
          unknown
        >;
        const header = (alg: string) =>
          Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
        const body = (extra: object) =>
          Buffer.from(JSON.stringify({ ...claims, ...extra })).toString('base64url');

        const none = `${header('none')}.${body({})}.`;
        const signature = accessToken.split('.')[2];
        const forgedRole = `${header('HS256')}.${body({ role: 'admin' })}.${signature}`;
        const otherKey = forge(
          { sub: user.id, role: 'admin', sid: claims.sid },
          'another-secret-that-is-long-enough-0123456789',
        );
        const expired = forge(
          {
            sub: user.id,
            role: 'customer',
            sid: claims.sid,
            exp: Math.floor(Date.now() / 1000) - 60,
          },
          testJwtSecret,
          { expiresIn: undefined },
        );

        for (const token of [none, forgedRole, otherKey, expired, 'garbage', `${accessToken}x`]) {
          const response = await get('/me', token);
          expect(response.statusCode, token).toBe(401);
          expect(response.json()).toMatchObject({ code: 'unauthorized' });
        }
        expect((await get('/me')).statusCode).toBe(401);
        expect((await get('/me', accessToken)).statusCode).toBe(200);
      });

      it('requires exp, iat, sub and sid, within the token lifetime and the clock skew', async () => {
        const { user, accessToken } = await register();
        const sid = (
          JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString()) as {
            sid: string;
          }
        ).sid;
        const now = Math.floor(Date.now() / 1000);
        const good = { sub: user.id, role: 'customer', sid };
        /** A token with exactly these times. */
        const at = (iat: number, exp: number) =>
          forge({ ...good, iat, exp }, testJwtSecret, { expiresIn: undefined });
        expect((await get('/me', forge(good))).statusCode).toBe(200);
        const rejected = {
          'no exp': forge(good, testJwtSecret, { expiresIn: undefined }),
          'no iat': forge(good, testJwtSecret, { noTimestamp: true }),
          'no sid': forge({ sub: user.id, role: 'customer' }),
          'no sub': forge({ role: 'customer', sid }),
          'issued in the future': at(now + 120, now + 600),
          // A far exp does not stretch a token past its lifetime (15 minutes) counted from iat.
          'older than its lifetime': at(now - 3600, now + 3600),
        };
        for (const [what, token] of Object.entries(rejected)) {
          const response = await get('/me', token);
          expect(response.statusCode, what).toBe(401);
        }
        // A little skew between servers' clocks is fine.
        expect((await get('/me', at(now + 10, now + 600))).statusCode).toBe(200);
        expect((await get('/me', at(now - 600, now + 300))).statusCode).toBe(200);
      });

      it('rejects a token whose session belongs to another account', async () => {
        const victim = await register();
        const attacker = await register();
        const victimSid = (
          JSON.parse(
            Buffer.from(victim.accessToken.split('.')[1] as string, 'base64url').toString(),
          ) as {
            sid: string;
          }
        ).sid;
        // Correctly signed, but naming the attacker with the victim's session: not one we issued.
        const mixed = forge({ sub: attacker.user.id, role: 'customer', sid: victimSid });
        expect((await get('/me', mixed)).statusCode).toBe(401);
        const unknownSession = forge({
          sub: attacker.user.id,
          role: 'customer',
          sid: '0190a0a0-0000-7000-8000-000000000000',
        });
        expect((await get('/me', unknownSession)).statusCode).toBe(401);
      });

      it('takes the role from the live account: a demoted admin loses admin access at once', async () => {
        const { user, accessToken } = await register();
        const accounts = ctx.store.services.accounts;
        // Read once while a customer, so a stale cached role would show.
        expect((await get('/admin/customers', accessToken)).statusCode).toBe(403);
        await accounts.setRole({ actor: null }, user.id, 'admin');
        // The token still says customer; the account now says admin.
        expect((await get('/admin/customers', accessToken)).statusCode).toBe(200);
        await accounts.setRole({ actor: null }, user.id, 'customer');
        expect((await get('/admin/customers', accessToken)).statusCode).toBe(403);
        // A token forged to claim admin for a customer's real session changes nothing.
        const sid = (
          JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString()) as {
            sid: string;
          }
        ).sid;
        expect(
          (await get('/admin/customers', forge({ sub: user.id, role: 'admin', sid }))).statusCode,
        ).toBe(403);
      });

      it('keeps a signed-out session ended even when the cache forgets the denylist', async () => {
        const { accessToken, refreshToken } = await register();
        expect((await post('/auth/logout', { refreshToken }, bearer(accessToken))).statusCode).toBe(
          204,
        );
        expect((await get('/me', accessToken)).statusCode).toBe(401);
        // Redis restarted without saving: the denylist and the cached facts are gone.
        const sid = (
          JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString()) as {
            sid: string;
          }
        ).sid;
        await ctx.store.adapters.cache.del(`auth:revoked-session:${sid}`, `auth:session:${sid}`);
        expect((await get('/me', accessToken)).statusCode).toBe(401);
      });

      it('gives a customer 403 and an anonymous caller 401 on admin routes', async () => {
        const { accessToken } = await register();
        const customer = await get('/admin/customers', accessToken);
        expect(customer.statusCode).toBe(403);
        expect(customer.json()).toMatchObject({ code: 'forbidden' });
        expect((await get('/admin/customers')).statusCode).toBe(401);
      });

      it('lets an administrator list customers, without password hashes', async () => {
        const { email, user } = await register();
        await ctx.store.adapters.database.db.execute(
          sql`UPDATE users SET role = 'admin' WHERE id = ${user.id}::uuid`,
        );
        const admin = (
          await post('/auth/login', { email, password: strongPassword })
        ).json() as AuthResult;
        expect(admin.user.role).toBe('admin');
        const response = await get(
          `/admin/customers?q=${encodeURIComponent(email)}`,
          admin.accessToken,
        );
        expect(response.statusCode).toBe(200);
        expect(response.json().items.map((u: { email: string }) => u.email)).toEqual([email]);
        expect(response.body).not.toMatch(/argon2|passwordHash|password_hash/);
      });
    });
    describe('deactivation', () => {
      it('ends a deactivated account’s sessions at once, and lets it in again after reactivation', async () => {
        const adminAccount = await register();
        await ctx.store.services.accounts.setRole({ actor: null }, adminAccount.user.id, 'admin');
        const adminToken = adminAccount.accessToken;
        const customer = await register();
        expect((await get('/me', customer.accessToken)).statusCode).toBe(200);

        // A customer may not; an administrator may not close their own account.
        const byCustomer = await post(
          `/admin/customers/${adminAccount.user.id}/deactivate`,
          undefined,
          bearer(customer.accessToken),
        );
        expect(byCustomer.statusCode).toBe(403);
        const self = await post(
          `/admin/customers/${adminAccount.user.id}/deactivate`,
          undefined,
          bearer(adminToken),
        );
        expect(self.statusCode).toBe(409);

        const closed = await post(
          `/admin/customers/${customer.user.id}/deactivate`,
          undefined,
          bearer(adminToken),
        );
        expect(closed.statusCode, closed.body).toBe(200);
        expect(closed.json().deactivatedAt).toEqual(expect.any(String));
        // The live access token, the refresh token, and the right password all stop working.
        expect((await get('/me', customer.accessToken)).statusCode).toBe(401);
        expect(
          (await post('/auth/refresh', { refreshToken: customer.refreshToken })).statusCode,
        ).toBe(401);
        const login = await post('/auth/login', {
          email: customer.email,
          password: strongPassword,
        });
        expect(login.statusCode).toBe(403);
        expect(login.json()).toMatchObject({ code: 'account_deactivated' });
        // A wrong password learns nothing about the account.
        const wrong = await post('/auth/login', {
          email: customer.email,
          password: 'not it at all!',
        });
        expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });

        const reopened = await post(
          `/admin/customers/${customer.user.id}/reactivate`,
          undefined,
          bearer(adminToken),
        );
        expect(reopened.json().deactivatedAt).toBeNull();
        expect(
          (await post('/auth/login', { email: customer.email, password: strongPassword }))
            .statusCode,
        ).toBe(200);
      });

      it('takes admin access from a deactivated administrator at once', async () => {
        const boss = await register();
        const other = await register();
        await ctx.store.services.accounts.setRole({ actor: null }, boss.user.id, 'admin');
        await ctx.store.services.accounts.setRole({ actor: null }, other.user.id, 'admin');
        expect((await get('/admin/customers', other.accessToken)).statusCode).toBe(200);
        await post(
          `/admin/customers/${other.user.id}/deactivate`,
          undefined,
          bearer(boss.accessToken),
        );
        expect((await get('/admin/customers', other.accessToken)).statusCode).toBe(401);
      });
    });
    describe('documentation', () => {
      it('lists the auth and account endpoints with their error responses in /openapi.json', async () => {
        const document = (await ctx.store.app.inject('/openapi.json')).json() as {
          paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
          components: { schemas: Record<string, unknown> };
        };
        const expected: [string, string, string[]][] = [
          ['/api/v1/auth/register', 'post', ['201', '400', '409', '429']],
          ['/api/v1/auth/login', 'post', ['200', '400', '401', '429']],
          ['/api/v1/auth/refresh', 'post', ['200', '401', '429']],
          ['/api/v1/auth/logout', 'post', ['204', '401']],
          ['/api/v1/auth/password-reset', 'post', ['202', '400', '429']],
          ['/api/v1/auth/password-reset/confirm', 'post', ['204', '400']],
          ['/api/v1/me', 'get', ['200', '401']],
          ['/api/v1/me', 'patch', ['200', '400', '401']],
          ['/api/v1/me/password', 'post', ['204', '401', '403']],
          ['/api/v1/me/addresses', 'post', ['201', '400', '401']],
          ['/api/v1/me/addresses/{id}', 'delete', ['204', '404']],
          ['/api/v1/admin/customers', 'get', ['200', '401', '403']],
        ];
        for (const [path, method, statuses] of expected) {
          const operation = document.paths[path]?.[method];
          expect(operation, `${method} ${path}`).toBeDefined();
          expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(statuses));
        }
        expect(JSON.stringify(document)).not.toMatch(/passwordHash/);
      });
    });
  },
);
