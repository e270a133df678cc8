import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { queryRows } from '../../src/platform/db/index.js';
import { createTestStore, silentLogger, type Backend, type TestStore } from '../harness.js';
import { startWorker } from '../../src/worker.js';
import { createResetTokens, resetTokenKey } from '../../src/modules/accounts/index.js';

/** What the accounts tests share: a store (with its worker) per file, and the calls they make. */

export interface AuthResult {
  user: { id: string; email: string; role: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export const strongPassword = 'correct horse battery staple';
export const uniqueEmail = () => `shopper-${randomBytes(6).toString('hex')}@example.com`;
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function accountsKit(backend: Backend, env: Record<string, string> = {}) {
  const ctx = {} as { store: TestStore; worker: Awaited<ReturnType<typeof startWorker>> };

  beforeAll(async () => {
    ctx.store = await createTestStore(backend, env);
    ctx.worker = await startWorker({
      config: ctx.store.config,
      adapters: ctx.store.adapters,
      services: ctx.store.services,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await ctx.worker?.stop();
    await ctx.store?.close();
  });

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    ctx.store.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      payload: payload as object,
      headers,
    });
  const get = (url: string, token?: string) =>
    ctx.store.app.inject({
      method: 'GET',
      url: `/api/v1${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

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

  /** The reset emails the worker has queued for an address. */
  const resetEmails = (email: string) =>
    queryRows<{ payload: { to: string; template: string; data: { resetId: string } } }>(
      ctx.store.adapters.database.db,
      sql`SELECT payload FROM outbox WHERE type = 'send_email' AND payload->>'to' = ${email} ORDER BY occurred_at`,
    );
  /** The token of the link a reset email carries, made as the email renderer makes it. */
  const tokenOf = (resetId: string) =>
    createResetTokens(resetTokenKey(ctx.store.config)).issue(resetId);

  return { ctx, post, get, register, resetEmails, tokenOf };
}
