import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { storedCartId } from '../bag/api';
import { Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import {
  emailPattern,
  Field,
  FormAlert,
  feedbackFrom,
  rawOf,
  textOf,
  useFormFeedback,
  type FieldErrors,
} from '../../lib/forms';
import { keepSignIn, safeNext, withNext } from './session-actions';
import './accounts.css';

type SignInField = 'email' | 'password';
const labels: Record<SignInField, string> = { email: 'Email', password: 'Password' };

/** Set by the account page when the shopper signed out on purpose. */
export interface SignedOutState {
  signedOut?: 'here' | 'everywhere';
}

const signedOutMessages = {
  here: 'You have signed out.',
  everywhere: 'You have signed out on every device.',
};

function problemOf(error: unknown) {
  if (error instanceof ApiError && error.code === 'invalid_credentials') {
    return {
      fields: {},
      form: 'That email and password don’t match an account. Check them and try again.',
    };
  }
  if (error instanceof ApiError && error.status === 429) {
    return {
      fields: {},
      form: (
        <p>
          <strong>Too many attempts.</strong> {error.message} Wait a few minutes before trying
          again, or <Link to="/reset-password">reset your password</Link>.
        </p>
      ),
    };
  }
  return feedbackFrom(error, labels);
}

export function SignInPage() {
  useDocumentTitle('Sign in');
  const { user, settled } = useSession();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const feedback = useFormFeedback<SignInField>();
  const [pending, setPending] = useState(false);
  const next = safeNext(params.get('next'));
  const signedOut = (location.state as SignedOutState | null)?.signedOut;

  // Already signed in (and not in the middle of signing in here): straight on.
  if (user && !pending) return <Navigate to={next} replace />;
  if (!settled) return <Loading label="Checking whether you are signed in…" />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = textOf(data, 'email');
    const password = rawOf(data, 'password');
    const errors: FieldErrors<SignInField> = {};
    if (!email) errors.email = 'Enter your email address.';
    else if (!emailPattern.test(email))
      errors.email = 'Enter an email address like name@example.com.';
    if (!password) errors.password = 'Enter your password.';
    if (Object.keys(errors).length > 0) return feedback.fail({ fields: errors, form: null });

    feedback.clear();
    setPending(true);
    try {
      const cartId = storedCartId();
      const result = await call(
        api.POST('/api/v1/auth/login', {
          body: cartId ? { email, password, cartId } : { email, password },
        }),
      );
      // The API merged the guest bag into the account's cart when it was sent: adopt that cart.
      await keepSignIn(queryClient, result, { adoptCart: true });
      await navigate(next, { replace: true });
    } catch (error) {
      setPending(false);
      feedback.fail(problemOf(error));
    }
  }

  return (
    <section className="page page--narrow auth-page" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      {signedOut && (
        <p className="notice notice--success" role="status">
          {signedOutMessages[signedOut]}
        </p>
      )}
      <form className="form" noValidate onSubmit={submit} id={feedback.formId}>
        <FormAlert>{feedback.formError}</FormAlert>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          required
          error={feedback.errors.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={feedback.errors.password}
        />
        <p className="auth-page__aside">
          <Link to="/reset-password">Forgot your password?</Link>
        </p>
        <div className="form__actions">
          <button type="submit" className="button button--wide" disabled={pending}>
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
      <p className="auth-page__switch">
        New to Stride? <Link to={withNext('/sign-up', next)}>Create an account</Link>
      </p>
    </section>
  );
}
