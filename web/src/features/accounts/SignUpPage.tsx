import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client';
import { useSession } from '../../auth/useSession';
import { Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Field, FormAlert, feedbackFrom, passwordRules, useFormFeedback } from '../../lib/forms';
import { signUpSchema, type SignUpField } from './account-schemas';
import { keepSignIn, safeNext, withNext } from './session-actions';
import './accounts.css';

const labels: Record<SignUpField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  password: 'Password',
};

function problemOf(error: unknown) {
  if (error instanceof ApiError && error.code === 'email_taken') {
    return {
      fields: {
        email: 'An account with this email already exists. Sign in, or reset its password.',
      },
      form: null,
    };
  }
  if (error instanceof ApiError && error.status === 429) {
    return {
      fields: {},
      form: `Too many attempts from this connection. ${error.message} Wait a minute and try again.`,
    };
  }
  return feedbackFrom(error, labels);
}

export function SignUpPage() {
  useDocumentTitle('Create an account');
  const { user, settled } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const feedback = useFormFeedback<SignUpField>();
  const form = useForm({
    resolver: zodResolver(signUpSchema),
    defaultValues: { firstName: '', lastName: '', email: '', password: '' },
  });
  const errors = form.formState.errors;
  const [pending, setPending] = useState(false);
  const next = safeNext(params.get('next'));

  if (user && !pending) return <Navigate to={next} replace />;
  if (!settled) return <Loading label="Checking whether you are signed in…" />;

  async function submit(body: z.output<typeof signUpSchema>) {
    feedback.clear();
    setPending(true);
    try {
      const result = await call(api.POST('/api/v1/auth/register', { body }));
      // Registering merges no bag (the API takes no cart id there), so a guest bag is kept as it is:
      // its id still works for the new account, and checkout accepts it.
      await keepSignIn(queryClient, result, { adoptCart: false });
      await navigate(next, { replace: true });
    } catch (error) {
      setPending(false);
      feedback.failInto(form.setError, problemOf(error));
    }
  }

  return (
    <section className="page page--narrow auth-page" aria-labelledby="sign-up-heading">
      <h1 id="sign-up-heading">Create an account</h1>
      <p className="auth-page__intro">
        Track your orders and check out faster with saved addresses.
      </p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => void form.handleSubmit(submit)(event)}
        id={feedback.formId}
      >
        <FormAlert>{feedback.formError}</FormAlert>
        <div className="form__row">
          <Field
            label="First name"
            autoComplete="given-name"
            maxLength={100}
            required
            {...form.register('firstName')}
            error={errors.firstName?.message}
          />
          <Field
            label="Last name"
            autoComplete="family-name"
            maxLength={100}
            required
            {...form.register('lastName')}
            error={errors.lastName?.message}
          />
        </div>
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
          autoComplete="new-password"
          minLength={10}
          maxLength={128}
          required
          hint={passwordRules}
          {...form.register('password')}
          error={errors.password?.message}
        />
        <div className="form__actions">
          <button type="submit" className="button button--wide" disabled={pending}>
            {pending ? 'Creating your account…' : 'Create account'}
          </button>
        </div>
      </form>
      <p className="auth-page__switch">
        Already have an account? <Link to={withNext('/sign-in', next)}>Sign in</Link>
      </p>
    </section>
  );
}
