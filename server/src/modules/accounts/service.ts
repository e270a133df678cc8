import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createSigner } from 'fast-jwt';
import type { Cache } from '../../platform/cache/port.js';
import { writeEvent } from '../../platform/bus/outbox.js';
import type { Context, TxContext } from '../../platform/context.js';
import { inTransaction } from '../../platform/context.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import {
  Conflict,
  DomainError,
  Forbidden,
  NotFound,
  RateLimited,
  Unauthenticated,
  ValidationFailed,
} from '../../platform/errors.js';
import { sendEmail } from '../../platform/email-request.js';
import { passwordChanged, passwordResetRequested, userRegistered } from './events.js';
import { normaliseEmail } from './bootstrap.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { passwordProblems } from './password-policy.js';
import type { RegisterBody, User } from './schemas.js';
import { createAccountAdmin } from './admin.js';
import { createLoginThrottle } from './login-throttle.js';
import type { ResetTokens } from './reset-links.js';
import { createSessionStore, newToken, sha256, type SessionContext } from './sessions.js';
import type { Row } from '../../platform/db/rows.js';
import type { passwordResets, users } from './tables.js';

export interface AccountServiceDeps {
  db: Db;
  cache: Cache;
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Failed sign-ins per account per 15 minutes before it must wait. */
  loginFailureLimit: number;
  /** Makes a reset link's token from its id (see `reset-links.ts`). */
  resetTokens: ResetTokens;
}

export type UserRow = Row<
  typeof users,
  | 'id'
  | 'email'
  | 'password_hash'
  | 'first_name'
  | 'last_name'
  | 'role'
  | 'created_at'
  | 'deactivated_at'
>;

export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  firstName: row.first_name,
  lastName: row.last_name,
  role: row.role,
  createdAt: new Date(row.created_at).toISOString(),
  deactivatedAt: row.deactivated_at ? new Date(row.deactivated_at).toISOString() : null,
});

const accountDeactivated = () =>
  new Forbidden('This account has been deactivated; contact the store.', 'account_deactivated');

const invalidResetToken = () =>
  new DomainError('invalid', 'invalid_token', 'The reset link is invalid or has expired.');

/** The signed-in user a method acts for; routes that call these declare `auth: 'customer'`. */
function signedIn(ctx: Context) {
  if (!ctx.actor) throw new Unauthenticated();
  return ctx.actor;
}

const loginFailureWindowSeconds = 15 * 60;
const passwordResetsPerHour = 3;

const invalidateResets = (tx: Queryable, userId: string) =>
  tx.execute(
    sql`UPDATE password_resets SET used_at = now() WHERE user_id = ${userId}::uuid AND used_at IS NULL`,
  );
const passwordResetTtlSeconds = 30 * 60;

export function createAccountService(deps: AccountServiceDeps) {
  const { db, cache } = deps;
  const throttle = createLoginThrottle({
    db,
    cache,
    perAddressLimit: deps.loginFailureLimit,
    accountThrottleAfter: deps.loginFailureLimit * 2,
  });
  const sessions = createSessionStore({
    db,
    cache,
    accessTtlSeconds: deps.accessTtlSeconds,
    refreshTtlSeconds: deps.refreshTtlSeconds,
  });
  const sign = createSigner({
    key: deps.jwtSecret,
    algorithm: 'HS256',
    expiresIn: deps.accessTtlSeconds * 1000,
  });
  // Verified against when the email is unknown, so both failures take the same time.
  const decoyHash = hashPassword(randomBytes(16).toString('hex'));

  const findByEmail = async (email: string) =>
    (
      await queryRows<UserRow>(
        db,
        sql`SELECT * FROM users WHERE lower(email) = ${normaliseEmail(email)}`,
      )
    )[0];
  const findById = async (id: string) =>
    (await queryRows<UserRow>(db, sql`SELECT * FROM users WHERE id = ${id}::uuid`))[0];

  function tokens(user: UserRow, sessionId: string, refreshToken: string) {
    return {
      user: toUser(user),
      accessToken: sign({ sub: user.id, role: user.role, sid: sessionId }),
      refreshToken,
      expiresIn: deps.accessTtlSeconds,
    };
  }

  function assertStrong(password: string, email: string, path: string) {
    const problems = passwordProblems(password, email, path);
    if (problems.length > 0)
      throw new ValidationFailed(problems, 'The password is not acceptable.');
  }

  return {
    sessions,

    async register(ctx: Context, body: RegisterBody, context: SessionContext) {
      const email = normaliseEmail(body.email);
      assertStrong(body.password, email, 'body.password');
      const passwordHash = await hashPassword(body.password);
      const result = await inTransaction(db, ctx, async ({ tx }) => {
        const [user] = await queryRows<UserRow>(
          tx,
          sql`INSERT INTO users (email, password_hash, first_name, last_name)
              VALUES (${email}, ${passwordHash}, ${body.firstName}, ${body.lastName})
              ON CONFLICT DO NOTHING RETURNING *`,
        );
        if (!user) return null;
        await writeEvent(tx, userRegistered, {
          userId: user.id,
          email,
          firstName: user.first_name,
        });
        const session = await sessions.start(tx, user.id, context);
        return { user, ...session };
      });
      if (!result) {
        throw new Conflict('email_taken', 'An account with this email already exists.');
      }
      return tokens(result.user, result.sessionId, result.refreshToken);
    },

    async login(ctx: Context, email: string, password: string, context: SessionContext) {
      // Slowed per address and, for addresses new to the account, per account; never locked for
      // the owner (login-throttle.ts). Counted before the password is checked.
      const user = await findByEmail(email);
      const address = context.ip ?? 'unknown';
      await throttle.admit(normaliseEmail(email), address, user?.id ?? null);
      const valid = await verifyPassword(user?.password_hash ?? (await decoyHash), password).catch(
        () => false,
      );
      if (!user || !valid) {
        throw new Unauthenticated('The email or password is incorrect.', 'invalid_credentials');
      }
      // Said only to whoever knows the password: it tells a stranger nothing about the account.
      if (user.deactivated_at) throw accountDeactivated();
      await throttle.succeeded(normaliseEmail(email), address);
      const session = await inTransaction(db, ctx, ({ tx }) =>
        sessions.start(tx, user.id, context),
      );
      // The session id lets the caller act as the new user at once (merging a guest cart, say).
      return {
        ...tokens(user, session.sessionId, session.refreshToken),
        sessionId: session.sessionId,
      };
    },

    /** Access-token checks read sessions' live facts here (`platform/http/auth.ts`). */
    sessionDirectory: { describe: (sessionId: string) => sessions.describe(sessionId) },

    // The store team's operations on accounts (admin.ts).
    ...createAccountAdmin({ db, cache, sessions, findById }),

    async refresh(_ctx: Context, refreshToken: string) {
      const rotated = await sessions.rotate(refreshToken);
      const user = await findById(rotated.userId);
      if (!user) throw new Unauthenticated('The account no longer exists.');
      if (user.deactivated_at) throw accountDeactivated();
      return tokens(user, rotated.sessionId, rotated.refreshToken);
    },

    /** End a session, found by its access token or, when that has expired, by its refresh token. */
    async logout(ctx: Context, refreshToken: string | undefined): Promise<void> {
      if (ctx.actor) return sessions.revoke(ctx.actor.sessionId, 'logout');
      const sessionId = refreshToken ? await sessions.sessionOf(refreshToken) : null;
      if (!sessionId) {
        throw new Unauthenticated(
          'Send the access token or the refresh token of the session to end.',
        );
      }
      await sessions.revoke(sessionId, 'logout');
    },

    /**
     * Sign out everywhere: every session of the signed-in user ends, the caller's too, and their
     * access tokens are denied at once rather than living out their 15 minutes.
     */
    async logoutEverywhere(ctx: Context): Promise<void> {
      const actor = signedIn(ctx);
      const revoked = await inTransaction(db, ctx, ({ tx }) =>
        sessions.revokeAllInTx(tx, actor.id, 'logout_all'),
      );
      // The caller's session is denied even if a concurrent sign-out revoked it first.
      await sessions.denyAccessTokens([...new Set([...revoked, actor.sessionId])]);
    },

    /**
     * Always the same work whatever the email, so neither the answer nor its timing tells whether an
     * account exists: the request is queued, and the worker looks the account up (`issuePasswordReset`).
     */
    async requestPasswordReset(ctx: Context, email: string): Promise<void> {
      await inTransaction(db, ctx, ({ tx }) =>
        writeEvent(tx, passwordResetRequested, { email: normaliseEmail(email) }),
      );
    },

    /** The worker's half of a reset request: a one-time token and the email that carries it. */
    async issuePasswordReset(
      { tx }: TxContext,
      email: string,
    ): Promise<'sent' | 'no_account' | 'throttled'> {
      const [user] = await queryRows<UserRow>(
        tx,
        sql`SELECT * FROM users WHERE lower(email) = ${normaliseEmail(email)} FOR UPDATE`,
      );
      if (!user) return 'no_account';
      // A few emails an hour at most, however often someone asks: a mailbox is not a target.
      // An aggregate, typed by hand.
      const [recent] = await queryRows<{ n: number }>(
        tx,
        sql`SELECT count(*)::int AS n FROM password_resets
            WHERE user_id = ${user.id}::uuid AND created_at > now() - interval '1 hour'`,
      );
      if ((recent?.n ?? 0) >= passwordResetsPerHour) return 'throttled';
      // The event names the link by an id that is no secret; only the email sent holds the token.
      const resetId = newToken();
      // A new link replaces any earlier one.
      await invalidateResets(tx, user.id);
      const [reset] = await queryRows<Row<typeof passwordResets, 'expires_at'>>(
        tx,
        sql`INSERT INTO password_resets (token_hash, user_id, expires_at)
            VALUES (${sha256(deps.resetTokens.issue(resetId))}, ${user.id}::uuid,
                    now() + make_interval(secs => ${passwordResetTtlSeconds}))
            RETURNING expires_at`,
      );
      await writeEvent(tx, sendEmail, {
        to: user.email,
        template: 'password_reset',
        data: {
          firstName: user.first_name,
          resetId,
          expiresAt: new Date(reset!.expires_at).toISOString(),
          expiresInMinutes: passwordResetTtlSeconds / 60,
        },
      });
      return 'sent';
    },

    async confirmPasswordReset(
      ctx: Context,
      token: string,
      password: string,
      ip?: string,
    ): Promise<void> {
      const [reset] = await queryRows<
        Row<typeof passwordResets, 'user_id'> & Row<typeof users, 'email'>
      >(
        db,
        sql`SELECT r.user_id, u.email FROM password_resets r JOIN users u ON u.id = r.user_id
            WHERE r.token_hash = ${sha256(token)} AND r.used_at IS NULL AND r.expires_at > now()`,
      );
      if (!reset) {
        throw invalidResetToken();
      }
      assertStrong(password, reset.email, 'body.password');
      const passwordHash = await hashPassword(password);
      const revoked = await inTransaction(db, ctx, async ({ tx }) => {
        // Claim the token first: of two concurrent confirmations only one finds it unused.
        const claimed = await queryRows(
          tx,
          sql`UPDATE password_resets SET used_at = now()
              WHERE token_hash = ${sha256(token)} AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
        );
        if (claimed.length === 0) return null;
        await invalidateResets(tx, reset.user_id);
        await tx.execute(
          sql`UPDATE users SET password_hash = ${passwordHash}, updated_at = now() WHERE id = ${reset.user_id}::uuid`,
        );
        await writeEvent(tx, passwordChanged, { userId: reset.user_id, via: 'reset' });
        return sessions.revokeAllInTx(tx, reset.user_id, 'password_reset');
      });
      if (!revoked) {
        throw invalidResetToken();
      }
      await sessions.denyAccessTokens(revoked);
      // The owner proved it: their address gets past the account-wide throttle from now on.
      await throttle.passwordReset(normaliseEmail(reset.email), reset.user_id, ip);
    },

    async changePassword(
      ctx: Context,
      currentPassword: string,
      newPassword: string,
    ): Promise<void> {
      const actor = signedIn(ctx);
      // Whoever holds a stolen access token must not get to guess the password from many addresses:
      // attempts are counted per account, before the hash is checked.
      const attempts = await cache.incr(
        `auth:password-change:${actor.id}`,
        loginFailureWindowSeconds,
      );
      if (attempts > deps.loginFailureLimit) {
        throw new RateLimited(
          loginFailureWindowSeconds,
          'Too many password change attempts; try again later.',
        );
      }
      const user = await findById(actor.id);
      if (!user) throw new Unauthenticated();
      if (!(await verifyPassword(user.password_hash, currentPassword).catch(() => false))) {
        throw new Forbidden('The current password is incorrect.', 'invalid_credentials');
      }
      assertStrong(newPassword, user.email, 'body.newPassword');
      const passwordHash = await hashPassword(newPassword);
      const revoked = await inTransaction(db, ctx, async ({ tx }) => {
        await tx.execute(
          sql`UPDATE users SET password_hash = ${passwordHash}, updated_at = now() WHERE id = ${actor.id}::uuid`,
        );
        // A reset link asked for before the change must not undo it.
        await invalidateResets(tx, actor.id);
        await writeEvent(tx, passwordChanged, { userId: actor.id, via: 'change' });
        // Every other device signs in again; this one stays signed in.
        return sessions.revokeAllInTx(tx, actor.id, 'password_changed', actor.sessionId);
      });
      await sessions.denyAccessTokens(revoked);
    },

    async profile(ctx: Context): Promise<User> {
      const user = await findById(signedIn(ctx).id);
      if (!user) throw new NotFound('The account no longer exists.');
      return toUser(user);
    },

    async updateProfile(
      ctx: Context,
      patch: { firstName?: string | undefined; lastName?: string | undefined },
    ) {
      const [user] = await queryRows<UserRow>(
        db,
        sql`UPDATE users SET first_name = COALESCE(${patch.firstName ?? null}, first_name),
                             last_name = COALESCE(${patch.lastName ?? null}, last_name), updated_at = now()
            WHERE id = ${signedIn(ctx).id}::uuid RETURNING *`,
      );
      if (!user) throw new NotFound('The account no longer exists.');
      return toUser(user);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
