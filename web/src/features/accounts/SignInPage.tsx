import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { storedCartId } from '../bag/api';
import { Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Field, FormAlert, feedbackFrom, useFormFeedback } from '../../lib/forms';
import { signInSchema, type SignInField } from './account-schemas';
import { keepSignIn, safeNext, withNext } from './session-actions';
import './accounts.css';

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
  const form = useForm({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: '', password: '' },
  });
  const errors = form.formState.errors;
  const [pending, setPending] = useState(false);
  const next = safeNext(params.get('next'));
  const signedOut = (location.state as SignedOutState | null)?.signedOut;

  // Already signed in (and not in the middle of signing in here): straight on.
  if (user && !pending) return <Navigate to={next} replace />;
  if (!settled) return <Loading label="Checking whether you are signed in…" />;

  async function submit({ email, password }: { email: string; password: string }) {
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
      feedback.failInto(form.setError, problemOf(error));
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
      <form
        className="form"
        noValidate
        onSubmit={(event) => void form.handleSubmit(submit)(event)}
        id={feedback.formId}
      >
        <FormAlert>{feedback.formError}</FormAlert>
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          required
          {...form.register('email')}
          error={errors.email?.message}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          {...form.register('password')}
          error={errors.password?.message}
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
