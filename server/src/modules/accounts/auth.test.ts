import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/index.js';
import {
  backends,
  createTestStore,
  eventually,
  silentLogger,
  testJwtSecret,
  type TestStore,
} from '../../../test/harness.js';
import { startWorker } from '../../worker.js';
import { ensureAdmin } from './bootstrap.js';

interface AuthResult {
  user: { id: string; email: string; role: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const strongPassword = 'correct horse battery staple';
const uniqueEmail = () => `shopper-${randomBytes(6).toString('hex')}@example.com`;

describe.each(backends())('accounts and auth on %s backends', (backend) => {
  let store: TestStore;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    store.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers });
  const get = (url: string, token?: string) =>
    store.app.inject({
      method: 'GET',
      url: `/api/v1${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function register(email = uniqueEmail()): Promise<AuthResult & { email: string }> {
    const response = await post('/auth/register', {
      email,
      password: strongPassword,
      firstName: 'Ada',
      lastName: 'Runner',
    });
    expect(response.statusCode, response.body).toBe(201);
    return { ...(response.json() as AuthResult), email };
  }

  beforeAll(async () => {
    store = await createTestStore(backend);
    worker = await startWorker({
      adapters: store.adapters,
      services: store.services,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await store?.close();
  });

  /** The reset emails the worker has queued for an address. */
  const resetEmails = (email: string) =>
    queryRows<{ payload: { to: string; template: string; data: { resetUrl: string } } }>(
      store.adapters.database.db,
      sql`SELECT payload FROM outbox WHERE type = 'send_email' AND payload->>'to' = ${email} ORDER BY occurred_at`,
    );
  const tokenOf = (resetUrl: string) => new URL(resetUrl).searchParams.get('token') as string;

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
      expect((await post('/auth/refresh', { refreshToken: rotated.refreshToken })).statusCode).toBe(
        401,
      );
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
      const refreshed = await store.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        cookies: { stride_refresh: cookie?.value as string },
      });
      expect(refreshed.statusCode).toBe(200);
      expect(refreshed.cookies.find((c) => c.name === 'stride_refresh')?.value).not.toBe(
        cookie?.value,
      );
      const secure = await store.app.inject({
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

    it('gives a customer 403 and an anonymous caller 401 on admin routes', async () => {
      const { accessToken } = await register();
      const customer = await get('/admin/customers', accessToken);
      expect(customer.statusCode).toBe(403);
      expect(customer.json()).toMatchObject({ code: 'forbidden' });
      expect((await get('/admin/customers')).statusCode).toBe(401);
    });

    it('lets an administrator list customers, without password hashes', async () => {
      const { email, user } = await register();
      await store.adapters.database.db.execute(
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

  describe('profile and address book', () => {
    const address = {
      firstName: 'Ada',
      lastName: 'Runner',
      line1: '1 Track Lane',
      city: 'Portland',
      region: 'OR',
      postalCode: '97201',
      country: 'us',
    };

    it('reads and changes the profile, and rejects mass assignment', async () => {
      const { accessToken, user } = await register();
      const patched = await store.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: bearer(accessToken),
        payload: { firstName: 'Grace' },
      });
      expect(patched.json()).toMatchObject({
        firstName: 'Grace',
        lastName: 'Runner',
        role: 'customer',
      });
      for (const payload of [
        { role: 'admin' },
        { id: randomBytes(4).toString('hex') },
        { passwordHash: 'x' },
        { firstName: 'X', role: 'admin' },
      ]) {
        const response = await store.app.inject({
          method: 'PATCH',
          url: '/api/v1/me',
          headers: bearer(accessToken),
          payload,
        });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed' });
      }
      const register2 = await post('/auth/register', {
        email: uniqueEmail(),
        password: strongPassword,
        firstName: 'A',
        lastName: 'B',
        role: 'admin',
      });
      expect(register2.statusCode).toBe(400);
      const [row] = await queryRows<{ role: string }>(
        store.adapters.database.db,
        sql`SELECT role FROM users WHERE id = ${user.id}::uuid`,
      );
      expect(row?.role).toBe('customer');
    });

    it('keeps one default shipping address and full CRUD for the owner', async () => {
      const { accessToken } = await register();
      const headers = bearer(accessToken);
      const first = (await post('/me/addresses', address, headers)).json();
      expect(first).toMatchObject({ country: 'US', isDefaultShipping: true });
      const second = (
        await post(
          '/me/addresses',
          { ...address, line1: '2 Field Road', isDefaultShipping: true },
          headers,
        )
      ).json();
      const list = (await get('/me/addresses', accessToken)).json().items as {
        id: string;
        isDefaultShipping: boolean;
      }[];
      expect(list.map((a) => [a.id, a.isDefaultShipping])).toEqual([
        [second.id, true],
        [first.id, false],
      ]);
      const updated = await store.app.inject({
        method: 'PATCH',
        url: `/api/v1/me/addresses/${first.id}`,
        headers,
        payload: { city: 'Eugene' },
      });
      expect(updated.json()).toMatchObject({ city: 'Eugene', line1: '1 Track Lane' });
      expect(
        (
          await store.app.inject({
            method: 'DELETE',
            url: `/api/v1/me/addresses/${first.id}`,
            headers,
          })
        ).statusCode,
      ).toBe(204);
      expect((await get(`/me/addresses/${first.id}`, accessToken)).statusCode).toBe(404);
    });

    it('never lets a second user read, change or delete the first user’s address', async () => {
      const owner = await register();
      const intruder = await register();
      const created = (await post('/me/addresses', address, bearer(owner.accessToken))).json();
      const url = `/api/v1/me/addresses/${created.id}`;
      expect(
        (await store.app.inject({ method: 'GET', url, headers: bearer(intruder.accessToken) }))
          .statusCode,
      ).toBe(404);
      const patch = await store.app.inject({
        method: 'PATCH',
        url,
        headers: bearer(intruder.accessToken),
        payload: { city: 'Nowhere' },
      });
      expect(patch.statusCode).toBe(404);
      expect(
        (await store.app.inject({ method: 'DELETE', url, headers: bearer(intruder.accessToken) }))
          .statusCode,
      ).toBe(404);
      expect((await get('/me/addresses', intruder.accessToken)).json().items).toEqual([]);
      expect((await get(`/me/addresses/${created.id}`, owner.accessToken)).json()).toMatchObject({
        city: 'Portland',
      });
    });

    it('rejects unknown fields and wrong types in an address', async () => {
      const { accessToken } = await register();
      for (const payload of [
        { ...address, userId: randomBytes(4).toString('hex') },
        { ...address, country: 'USA' },
        { ...address, postalCode: 97201 },
      ]) {
        const response = await post('/me/addresses', payload, bearer(accessToken));
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ code: 'validation_failed' });
      }
    });
  });

  describe('passwords', () => {
    it('changes the password with the current one and ends the other sessions', async () => {
      const { email, accessToken } = await register();
      const other = (
        await post('/auth/login', { email, password: strongPassword })
      ).json() as AuthResult;
      const wrong = await post(
        '/me/password',
        { currentPassword: 'not my password!', newPassword: 'a brand new passphrase' },
        bearer(accessToken),
      );
      expect(wrong.statusCode).toBe(403);
      const changed = await post(
        '/me/password',
        { currentPassword: strongPassword, newPassword: 'a brand new passphrase' },
        bearer(accessToken),
      );
      expect(changed.statusCode).toBe(204);
      expect((await get('/me', accessToken)).statusCode).toBe(200);
      expect((await get('/me', other.accessToken)).statusCode).toBe(401);
      expect((await post('/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(
        401,
      );
      expect((await post('/auth/login', { email, password: strongPassword })).statusCode).toBe(401);
      expect(
        (await post('/auth/login', { email, password: 'a brand new passphrase' })).statusCode,
      ).toBe(200);
    });

    it('resets a password by a one-time emailed token, without revealing accounts', async () => {
      const { email, accessToken, refreshToken, user } = await register();
      const unknown = await post('/auth/password-reset', { email: uniqueEmail() });
      const known = await post('/auth/password-reset', { email: `  ${email.toUpperCase()}` });
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
      expect(known.body).toBe(unknown.body);

      await eventually(async () => (await resetEmails(email)).length === 1);
      const [event] = await resetEmails(email);
      expect(event?.payload.template).toBe('password_reset');
      const token = tokenOf(event?.payload.data.resetUrl as string);
      const [stored] = await queryRows<{ token_hash: string; expires_in: number }>(
        store.adapters.database.db,
        sql`SELECT token_hash, extract(epoch FROM expires_at - created_at)::int AS expires_in
            FROM password_resets WHERE user_id = ${user.id}::uuid`,
      );
      expect(stored?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(stored?.expires_in).toBe(30 * 60);

      const confirmed = await post('/auth/password-reset/confirm', {
        token,
        password: 'reset passphrase here',
      });
      expect(confirmed.statusCode).toBe(204);
      expect((await get('/me', accessToken)).statusCode).toBe(401);
      expect((await post('/auth/refresh', { refreshToken })).statusCode).toBe(401);
      expect(
        (
          await post('/auth/password-reset/confirm', { token, password: 'another passphrase!' })
        ).json(),
      ).toMatchObject({
        code: 'invalid_token',
      });
      expect(
        (await post('/auth/login', { email, password: 'reset passphrase here' })).statusCode,
      ).toBe(200);
    });

    it('sends a few reset emails an hour at most, and a password change voids an open link', async () => {
      const { email, accessToken } = await register();
      for (let i = 0; i < 6; i++)
        expect((await post('/auth/password-reset', { email })).statusCode).toBe(202);
      await worker.relay.drain();
      await eventually(async () => {
        const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
          store.adapters.database.db,
          sql`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'accounts-password-reset'`,
        );
        return n >= 6;
      });
      const emails = await resetEmails(email);
      expect(emails).toHaveLength(3);
      const latest = tokenOf(emails.at(-1)?.payload.data.resetUrl as string);
      const earlier = tokenOf(emails[0]?.payload.data.resetUrl as string);
      expect(
        (
          await post('/auth/password-reset/confirm', {
            token: earlier,
            password: 'reset passphrase here',
          })
        ).statusCode,
      ).toBe(400);

      const changed = await post(
        '/me/password',
        { currentPassword: strongPassword, newPassword: 'changed passphrase!' },
        bearer(accessToken),
      );
      expect(changed.statusCode).toBe(204);
      const stale = await post('/auth/password-reset/confirm', {
        token: latest,
        password: 'reset passphrase here',
      });
      expect(stale.statusCode).toBe(400);
      expect(stale.json()).toMatchObject({ code: 'invalid_token' });
    });
  });

  describe('documentation', () => {
    it('lists the auth and account endpoints with their error responses in /openapi.json', async () => {
      const document = (await store.app.inject('/openapi.json')).json() as {
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

  describe('bad input and secrets', () => {
    it('answers malformed JSON and wrong types with 400 problems', async () => {
      const malformed = await store.app.inject({
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
      const patch = await store.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: bearer(accessToken),
        payload: { lastName: 'x\u0000' },
      });
      expect(patch.statusCode).toBe(400);
      const search = await store.app.inject({ method: 'GET', url: '/api/v1/products?q=a%00b' });
      expect(search.statusCode).toBe(400);
      const size = await store.app.inject({ method: 'GET', url: '/api/v1/products?size=M%00' });
      expect(size.statusCode).toBe(400);
      expect(size.headers['content-type']).toContain('application/problem+json');
    });

    it('accepts the bearer scheme in any case', async () => {
      const { accessToken } = await register();
      const response = await store.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `bearer ${accessToken}` },
      });
      expect(response.statusCode).toBe(200);
    });

    it('signs out by refresh token when the access token is gone, and clears the cookie', async () => {
      const { refreshToken, accessToken } = await register();
      const response = await store.app.inject({
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
      expect(await ensureAdmin(store.adapters.database.db, email, 'some admin password')).toBe(
        'taken_by_customer',
      );
      const [row] = await queryRows<{ role: string }>(
        store.adapters.database.db,
        sql`SELECT role FROM users WHERE id = ${user.id}::uuid`,
      );
      expect(row?.role).toBe('customer');
      const adminEmail = uniqueEmail();
      expect(await ensureAdmin(store.adapters.database.db, adminEmail, 'some admin password')).toBe(
        'created',
      );
      expect(await ensureAdmin(store.adapters.database.db, adminEmail, 'another password!!')).toBe(
        'exists',
      );
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
          store.app.inject({
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
        await store.app.inject({
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
        store.adapters.database.db,
        sql`SELECT password_hash FROM users WHERE id = ${user.id}::uuid`,
      );
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      const tokens = await queryRows<{ token_hash: string }>(
        store.adapters.database.db,
        sql`SELECT token_hash FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE s.user_id = ${user.id}::uuid`,
      );
      expect(tokens).toHaveLength(1);
      expect(tokens[0]?.token_hash).not.toBe(refreshToken);
    });
  });
});

describe.each(backends())('rate limits on %s backends', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(backend, { AUTH_RATE_LIMIT: '20', LOGIN_FAILURE_LIMIT: '10' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('limits 30 failed logins in a row with 429 rate_limited and Retry-After', async () => {
    const email = uniqueEmail();
    await store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: strongPassword, firstName: 'A', lastName: 'B' },
    });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof store.app.inject>> | undefined;
    for (let i = 0; i < 30; i++) {
      const response = await store.app.inject({
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
    const right = await store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: strongPassword },
    });
    expect(right.statusCode).toBe(429);
  });

  it('counts parallel guesses before checking them, so none slip past the limit', async () => {
    const email = uniqueEmail();
    await store.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: strongPassword, firstName: 'A', lastName: 'B' },
    });
    const guess = (i: number, remoteAddress: string) =>
      store.app.inject({
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

  it('limits requests per IP across accounts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const response = await store.app.inject({
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
